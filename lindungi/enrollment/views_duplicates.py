"""Resolving a confirmed duplicate from the registry's duplicates page (issue 19, point 2):
the pair is the registry's, the places are enrollment's, so the form posts here. Thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, require
from lindungi.enrollment.duplicates import resolve_duplicate_pair
from lindungi.registry.models import DuplicateCandidate
from lindungi.registry.selectors import get_duplicate


@login_required
@require_POST
def resolve_duplicate(request, pk: int):
    require(request.user, Action.REVIEW_DUPLICATES)
    try:
        pair = get_duplicate(user=request.user, pk=pk)
    except DuplicateCandidate.DoesNotExist:
        raise Http404 from None
    keep = pair.second_person if request.POST.get("keep") == "second" else pair.first_person
    try:
        result = resolve_duplicate_pair(
            duplicate=pair,
            keep=keep,
            resolution=request.POST.get("resolution", ""),
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
    except LindungiError as error:
        messages.error(request, error.message)
        return redirect("registry:duplicates")
    messages.success(
        request,
        _("Resolved: %(ended)s double places ended.") % {"ended": result.places_ended},
    )
    return redirect(f"{reverse('registry:duplicates')}?status=confirmed")
