from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.enrollment.choices import EnrollmentState, ExitReason


class EnrollmentFilterForm(forms.Form):
    regency = forms.CharField(label=_("Regency code"), required=False, max_length=5)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", "—"), *EnrollmentState.choices]
    )


class SubmissionForm(forms.Form):
    programme = forms.IntegerField(label=_("Programme"))
    start_date = forms.DateField(label=_("Requested coverage start"), required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))


class ExitUploadForm(UploadForm):
    kind = forms.ChoiceField(
        label=_("Kind of file"),
        choices=[
            ("exits", _("Exits (NIK, ALASAN, TANGGAL)")),
            ("deaths", _("Civil registry death list (NIK, TANGGAL_MENINGGAL)")),
        ],
        initial="exits",
        required=False,
    )


class ResponseUploadForm(UploadForm):
    batch = forms.CharField(label=_("Batch number (if the file has none)"), required=False)


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label=_("Exit reason"), choices=ExitReason.choices)
    ended_on = forms.DateField(label=_("Exit date (last covered day)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
