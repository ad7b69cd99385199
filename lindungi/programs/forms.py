from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.core.forms import DateInput
from lindungi.programs.choices import (
    Component,
    FundingSource,
    Package,
    QuotaMethod,
    RateKind,
    Sector,
)
from lindungi.regions.models import Province, Regency


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.all(), required=False
    )
    regency = forms.ModelChoiceField(
        label=_("Or one regency/city"), queryset=Regency.objects.all(), required=False
    )
    coverage_start = forms.DateField(label=_("Coverage start"), widget=DateInput())
    coverage_end = forms.DateField(label=_("Coverage end"), widget=DateInput())
    package = forms.ChoiceField(label=_("Package"), choices=Package.choices)
    income_basis = forms.IntegerField(label=_("Declared income basis (Rp)"), initial=1_000_000)
    target_headcount = forms.IntegerField(label=_("Target headcount"), min_value=1)
    min_age = forms.IntegerField(label=_("Minimum age"), initial=15, min_value=0)
    max_age = forms.IntegerField(label=_("Maximum age"), initial=65, min_value=0)
    max_desil = forms.IntegerField(label=_("Highest desil"), initial=4, min_value=1, max_value=10)
    quota_method = forms.ChoiceField(label=_("Quotas"), choices=QuotaMethod.choices)
    redistribute_surplus = forms.BooleanField(
        label=_("Give unfilled places to other regencies"), required=False, initial=True
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("province")) == bool(data.get("regency")):
            raise forms.ValidationError(_("Choose either a province or one regency."))
        return data


class ExclusionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 3}), min_length=10)


class DecideExclusionForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("1", _("Accept")), ("0", _("Refuse"))], coerce=lambda value: value == "1"
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RateRuleForm(forms.Form):
    component = forms.ChoiceField(label=_("Component"), choices=Component.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=RateKind.choices)
    value = forms.IntegerField(
        label=_("Value (bp of income, whole rupiah, or share still payable in bp)"), min_value=0
    )
    effective_from = forms.DateField(label=_("From"), widget=forms.DateInput({"type": "date"}))
    effective_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput({"type": "date"})
    )
    only_sector = forms.ChoiceField(
        label=_("Only for sector"), choices=[("", "–"), *Sector.choices], required=False
    )
    except_sector = forms.ChoiceField(
        label=_("Not for sector"), choices=[("", "–"), *Sector.choices], required=False
    )
    excluded_funding_sources = forms.MultipleChoiceField(
        label=_("Not when paid from"),
        choices=FundingSource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
