"""Maker-checker pages: what waits for a second person, and the decisions (issue 19, point 3).
Thin: each POST calls one service of `contributions.approvals`, which checks the right and the
second person itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.contributions.approvals import (
    decide_payment,
    decide_write_off,
    propose_write_off,
    waiting_for,
)
from lindungi.contributions.models import HeldPayment, WriteOff
from lindungi.contributions.selectors import get_invoice
from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, require


@login_required
def approvals(request):
    require(request.user, Action.VIEW_MONEY)
    held, write_offs = waiting_for(request.user)
    return render(
        request,
        "contributions/approvals.html",
        {"held": held, "write_offs": write_offs},
    )


def _approve(request) -> bool:
    return request.POST.get("decision") == "approve"


@login_required
@require_POST
def payment_decide(request, pk: int):
    require(request.user, Action.RECORD_PAYMENT)
    held = get_object_or_404(HeldPayment, pk=pk)
    try:
        decide_payment(
            held=held,
            approve=_approve(request),
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("contributions:approvals")


@login_required
@require_POST
def write_off_propose(request, pk: int):
    require(request.user, Action.MANAGE_BILLING)
    invoice = get_invoice(request.user, pk)
    try:
        propose_write_off(invoice=invoice, reason=request.POST.get("reason", ""), user=request.user)
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Write-off proposed; a second person approves it."))
    return redirect("contributions:invoice", pk=invoice.pk)


@login_required
@require_POST
def write_off_decide(request, pk: int):
    require(request.user, Action.MANAGE_BILLING)
    write_off = get_object_or_404(WriteOff, pk=pk)
    try:
        decide_write_off(
            write_off=write_off,
            approve=_approve(request),
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except LindungiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("contributions:approvals")
