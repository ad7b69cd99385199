from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from lindungi.audit.forms import AuditFilterForm
from lindungi.audit.lists import EVENTS
from lindungi.audit.models import AuditEvent
from lindungi.audit.selectors import list_object_types
from lindungi.core.permissions import Action, require


@login_required
def event_list(request):
    require(request.user, Action.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None, object_types=list_object_types())
    form.is_valid()
    listing = EVENTS.page(request)
    if listing.export is not None:
        return listing.export
    return render(
        request, "audit/event_list.html", {"form": form, "page": listing, "listing": listing}
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
