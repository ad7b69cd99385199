from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.awards.choices import CategoryKind, ComputedIndicator, IndicatorKind, ScoreRule


class DateInput(forms.DateInput):
    input_type = "date"


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Assessment year"), min_value=2017, max_value=2100)
    submission_deadline = forms.DateField(
        label=_("Self-assessment deadline"), required=False, widget=DateInput
    )
    score_rule = forms.ChoiceField(label=_("Final score rule"), choices=ScoreRule.choices)
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=CategoryKind.choices,
        initial=[CategoryKind.REGENCY_GOVERNMENT],
        widget=forms.CheckboxSelectMultiple,
    )


class CopyPeriodForm(forms.Form):
    year = forms.IntegerField(label=_("New assessment year"), min_value=2017, max_value=2100)
    submission_deadline = forms.DateField(
        label=_("Self-assessment deadline"), required=False, widget=DateInput
    )


class PeriodSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    submission_deadline = forms.DateField(
        label=_("Self-assessment deadline"), required=False, widget=DateInput
    )
    score_rule = forms.ChoiceField(label=_("Final score rule"), choices=ScoreRule.choices)
    ceremony = forms.CharField(label=_("Award ceremony"), max_length=100, required=False)
    signatory_name = forms.CharField(label=_("Signed by (name)"), max_length=200, required=False)
    signatory_title = forms.CharField(label=_("Signed by (title)"), max_length=200, required=False)
    emblem = forms.FileField(
        label=_("Emblem on the certificates (PNG or JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )


class CriterionRowForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, required=False)
    name = forms.CharField(label=_("Criterion"), max_length=200, required=False)
    weight = forms.CharField(label=_("Weight (%)"), max_length=10, required=False)
    scale_min = forms.IntegerField(label=_("Lowest score"), min_value=0, initial=0)
    scale_max = forms.IntegerField(label=_("Highest score"), min_value=1, initial=100)
    kind = forms.ChoiceField(label=_("Indicator"), choices=IndicatorKind.choices)
    computed = forms.ChoiceField(
        label=_("Computed figure"),
        choices=[("", "–"), *ComputedIndicator.choices],
        required=False,
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("code") or data.get("name") or data.get("weight"))


CriterionFormSet = forms.formset_factory(CriterionRowForm, extra=2)


class EntryForm(forms.Form):
    category = forms.IntegerField(widget=forms.HiddenInput)
    regency = forms.CharField(label=_("Regency code"), max_length=5)
    village = forms.CharField(label=_("Village code"), max_length=13, required=False)
    name = forms.CharField(label=_("Enterprise name"), max_length=200, required=False)


class EvidenceForm(forms.Form):
    criterion = forms.IntegerField(required=False, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Evidence (PDF, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AppointForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    seat = forms.CharField(label=_("Seat on the panel"), max_length=200)


class ConflictForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    regency = forms.CharField(label=_("Regency code"), max_length=5)
    reason = forms.CharField(label=_("Reason"), max_length=300)
