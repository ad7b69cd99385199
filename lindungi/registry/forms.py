import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.core.ages import AgeBand
from lindungi.registry.choices import DuplicateStatus, Sex
from lindungi.registry.reading import CANONICAL_COLUMNS


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Candidate file (CSV or XLSX)"))
    source = forms.CharField(label=_("Source"), max_length=60, required=False,
                             help_text=_("For example DTSEN, P3KE or a village list"))  # fmt: skip
    edition = forms.CharField(label=_("Edition (YYYY-MM)"), max_length=7, required=False)
    mapping = forms.CharField(
        label=_("Column mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for other layouts: one per line, e.g. NIK = Nomor Induk"),
    )

    def clean_edition(self) -> str:
        edition = self.cleaned_data["edition"].strip()
        if edition and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", edition):
            raise forms.ValidationError(_("Write the edition as YYYY-MM"))
        return edition

    def clean_mapping(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for line in self.cleaned_data["mapping"].splitlines():
            if not line.strip():
                continue
            column, separator, header = line.partition("=")
            column = column.strip().upper()
            if not separator or column not in CANONICAL_COLUMNS or not header.strip():
                raise forms.ValidationError(
                    _("Each line must be COLUMN = header in the file; columns: %(columns)s")
                    % {"columns": ", ".join(CANONICAL_COLUMNS)}
                )
            mapping[column] = header.strip()
        return mapping


class PeopleFilterForm(forms.Form):
    """Renders the people page's filters; `registry.search.parse_people_search` validates them
    (the same rules as the exports and the API), and the view puts its errors on this form."""

    q = forms.CharField(label=_("NIK or name"), required=False)
    kk = forms.CharField(label=_("Family card (KK)"), required=False)
    regency = forms.CharField(label=_("Regency code"), required=False)
    district = forms.CharField(label=_("District code"), required=False)
    village = forms.CharField(label=_("Village code"), required=False)
    desil = forms.CharField(label=_("Desil"), required=False)
    sex = forms.CharField(
        label=_("Sex"), required=False, widget=forms.Select(choices=[("", "–"), *Sex.choices])
    )
    occupation = forms.CharField(label=_("Occupation"), required=False)
    # The dashboards link here with ?age_band=15-24 and so on: the bands are core.ages'.
    age_band = forms.CharField(
        label=_("Age band"),
        required=False,
        widget=forms.Select(choices=[("", "–"), *AgeBand.choices]),
    )
    age_min = forms.CharField(label=_("Youngest age"), required=False)
    age_max = forms.CharField(label=_("Oldest age"), required=False)

    def clean(self):
        # Validation is the search's (parse_people_search); the fields only render.
        return self.cleaned_data


PEOPLE_PAGE_FILTERS = frozenset(PeopleFilterForm.base_fields)


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (DuplicateStatus.CONFIRMED, _("Confirm: same person")),
            (DuplicateStatus.DISMISSED, _("Dismiss: different people")),
        ]
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
