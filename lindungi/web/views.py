from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from lindungi.core.upload_templates import get_template, workbook_bytes
from lindungi.web.hooks import attention_for, home_panels
from lindungi.web.navigation import modules_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def home(request):
    """Strangers land on the login page; signed-in users see the work waiting for them, their
    key figures and deadlines, and cards for the modules they may use."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    cards = [item for item in modules_for(request.user) if item.key not in {"home", "attention"}]
    return render(
        request,
        "web/home.html",
        {
            "cards": cards,
            "attention": attention_for(request.user),
            "panels": home_panels(request),
        },
    )


@login_required
def attention(request):
    """Everything waiting for this user, each with the page to act on it."""
    return render(request, "web/attention.html", {"attention": attention_for(request.user)})


@login_required
def upload_template(request, key: str):
    """The XLSX template of an upload (`core.upload_templates`): headers, notes, drop-downs
    and an example row. It holds no data, so any signed-in user may fetch it."""
    try:
        template = get_template(key)
    except KeyError:
        raise Http404(key) from None
    response = HttpResponse(workbook_bytes(template), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template.file_name}"'
    return response
