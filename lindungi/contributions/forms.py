"""Forms of the contributions pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.contributions.models import Appropriation, Payer
from lindungi.core.forms import TodayDateField
from lindungi.programs.models import Programme


class PaymentForm(forms.Form):
    paid_on = TodayDateField(label=_("Date paid"))
    amount = forms.IntegerField(label=_("Amount (rupiah)"), min_value=1)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=100)


class StatementForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all())
    month = forms.RegexField(
        label=_("Month (YYYY-MM)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Enter the month as YYYY-MM.")},
    )
    file = forms.FileField(label=_("Insurer statement (CSV)"))


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("Resolution note"), widget=forms.Textarea(attrs={"rows": 2}))


class AppropriationForm(forms.Form):
    payer = forms.ModelChoiceField(label=_("Payer"), queryset=Payer.objects.all())
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    account_code = forms.CharField(label=_("APBD account code"), max_length=60)
    amount = forms.IntegerField(label=_("Amount (rupiah)"), min_value=0)
    document_reference = forms.CharField(label=_("Budget document"), max_length=200, required=False)


class AmendmentForm(forms.Form):
    appropriation = forms.ModelChoiceField(
        label=_("Budget line"),
        queryset=Appropriation.objects.filter(amends__isnull=True).select_related("payer"),
    )
    change = forms.IntegerField(label=_("Change (rupiah, negative to reduce)"))
    document_reference = forms.CharField(label=_("Budget document"), max_length=200)


class ScenarioForm(forms.Form):
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0, initial=50_000)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=120, initial=12)
    monthly_contribution = forms.IntegerField(
        label=_("Contribution per person per month (rupiah)"), min_value=0, initial=16_800
    )
    first_payer = forms.CharField(
        label=_("First payer"), max_length=200, initial="Pemerintah Provinsi NTT"
    )
    second_payer = forms.CharField(label=_("Second payer"), max_length=200, required=False)
    second_share = forms.DecimalField(
        label=_("Second payer's share (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
        initial=0,
    )

    def shares(self) -> list[tuple[str, int]]:
        """Payer names with shares in basis points."""
        data = self.cleaned_data
        second = int((data.get("second_share") or 0) * 100)
        if not data.get("second_payer") or not second:
            return [(data["first_payer"], 10_000)]
        return [(data["first_payer"], 10_000 - second), (data["second_payer"], second)]
