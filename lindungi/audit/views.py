from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from lindungi.audit.forms import AuditFilterForm
from lindungi.audit.models import AuditEvent
from lindungi.audit.selectors import list_events, list_object_types
from lindungi.core.permissions import Action, require


@login_required
def event_list(request):
    require(request.user, Action.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None, object_types=list_object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    events = list_events(**{key: value for key, value in filters.items() if value})
    page = Paginator(events.select_related(None), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def event_detail(request, pk: int):
    require(request.user, Action.VIEW_AUDIT)
    event = get_object_or_404(AuditEvent, pk=pk)
    changes = {key: value for key, value in event.changes.items() if key != "summary"}
    return render(
        request,
        "audit/event_detail.html",
        {"event": event, "changes": changes, "summary": event.changes.get("summary")},
    )
