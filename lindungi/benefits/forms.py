from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.benefits.choices import ClaimKind, ClaimStatus, CoverVerdict, SchoolLevel

DATE = forms.DateInput(attrs={"type": "date"})


class ClaimFilterForm(forms.Form):
    regency = forms.CharField(label=_("Regency code"), required=False, max_length=5)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *ClaimKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *ClaimStatus.choices]
    )
    verdict = forms.ChoiceField(
        label=_("Cover verdict"), required=False, choices=[("", "—"), *CoverVerdict.choices]
    )


class ClaimUploadForm(forms.Form):
    file = forms.FileField(label=_("Claim file from BPJS Ketenagakerjaan (CSV or XLSX)"))


LEVELS = [(level.value, level.label) for level in SchoolLevel]


class DeathReportForm(forms.Form):
    """A death reported by a village head, before the insurer knows of it."""

    nik = forms.RegexField(label="NIK", regex=r"^\d{16}$", max_length=16)
    died_on = forms.DateField(label=_("Date of death"), widget=DATE)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (ClaimKind.JKM_DEATH.value, ClaimKind.JKM_DEATH.label),
            (ClaimKind.JKK_ACCIDENT.value, _("JKK: death from a work accident")),
            (ClaimKind.JKK_DISEASE.value, _("JKK: death from an occupational disease")),
        ],
    )
    reported_by_name = forms.CharField(
        label=_("Reported by (e.g. the village head)"), max_length=150, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    spouse_name = forms.CharField(label=_("Spouse"), max_length=150, required=False)
    child1_name = forms.CharField(label=_("Child 1: name"), max_length=150, required=False)
    child1_birth = forms.DateField(label=_("Child 1: birth date"), required=False, widget=DATE)
    child1_level = forms.ChoiceField(label=_("Child 1: schooling"), choices=LEVELS, initial="none")
    child2_name = forms.CharField(label=_("Child 2: name"), max_length=150, required=False)
    child2_birth = forms.DateField(label=_("Child 2: birth date"), required=False, widget=DATE)
    child2_level = forms.ChoiceField(label=_("Child 2: schooling"), choices=LEVELS, initial="none")
