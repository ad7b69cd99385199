"""The API clients page: clients, their subscriptions and last deliveries; create and revoke.

Province administrators only (Action.MANAGE_USERS). A new token is shown once, on the page
that created it.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lindungi.api import services
from lindungi.api.choices import ClientRole
from lindungi.api.models import ApiClient, DciTransaction, NotifyDelivery, Subscription
from lindungi.core.errors import LindungiError
from lindungi.core.permissions import Action, require


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    role = forms.ChoiceField(label=_("Role"), choices=ClientRole.choices)
    region = forms.CharField(label=_("Regency code (regency clients only)"), required=False)


@login_required
def client_list(request):
    require(request.user, Action.MANAGE_USERS)
    form = ClientForm(request.POST or None)
    token = None
    if request.method == "POST" and form.is_valid():
        try:
            _client, token = services.create_api_client(
                user=request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                regency=form.cleaned_data["region"] or None,
            )
            messages.success(
                request, _("Client created. Copy the token now: it is not shown again.")
            )
            form = ClientForm()
        except LindungiError as error:
            form.add_error(None, error.message)
    context = {
        "form": form,
        "token": token,
        "clients": ApiClient.objects.select_related("regency").order_by("name"),
        "subscriptions": Subscription.objects.select_related("client").order_by("-pk")[:50],
        "deliveries": NotifyDelivery.objects.select_related("subscription__client").order_by("-pk")[
            :50
        ],
        "transactions": DciTransaction.objects.select_related("client").order_by("-pk")[:50],
    }
    return render(request, "api/clients.html", context)


@require_POST
@login_required
def revoke(request, pk: int):
    require(request.user, Action.MANAGE_USERS)
    client = ApiClient.objects.filter(pk=pk).first()
    if client is None:
        raise Http404
    services.revoke_api_client(user=request.user, client=client)
    messages.success(request, _("The client's token no longer works."))
    return redirect("api:clients")
