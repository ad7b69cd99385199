from django.conf import settings
from django.shortcuts import redirect, render

from lindungi.web.navigation import modules_for


def home(request):
    """Strangers land on the login page; signed-in users see cards for the modules they may use."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    cards = [item for item in modules_for(request.user) if item.key != "home"]
    return render(request, "web/home.html", {"cards": cards})
