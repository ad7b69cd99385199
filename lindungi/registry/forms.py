import re

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindungi.core.ages import AgeBand
from lindungi.core.permissions import regency_scope
from lindungi.regions.selectors import list_districts, list_regencies, list_villages
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
    # Pickers of names (the values are codes); picking a regency fetches its districts, a
    # district its villages (htmx, `regions:options`). A typed URL is still checked by the
    # search: "Alor" and "5305" find Alor, an unknown code is refused with a message.
    regency = forms.CharField(label=_("Regency"), required=False, widget=forms.Select)
    district = forms.CharField(label=_("District"), required=False, widget=forms.Select)
    village = forms.CharField(label=_("Village"), required=False, widget=forms.Select)
    desil = forms.CharField(
        label=_("Desil"),
        required=False,
        widget=forms.Select(choices=[("", "–"), *((str(d), str(d)) for d in range(1, 11))]),
    )
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

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        data = self.data or {}
        limit = regency_scope(user) if user is not None else None
        regencies = list_regencies(region=limit) if limit else list_regencies()
        regency = str(data.get("regency") or limit or "")
        district = str(data.get("district") or "")
        options = reverse("regions:options")
        self.fields["regency"].widget.choices = _with_current(
            [("", _("All regencies"))] + [(r.code, r.name) for r in regencies], regency
        )
        self.fields["district"].widget.choices = _with_current(
            [("", _("All districts"))]
            + ([(d.code, d.name) for d in list_districts(regency=regency)] if regency else []),
            district,
        )
        self.fields["village"].widget.choices = _with_current(
            [("", _("All villages"))]
            + ([(v.code, v.name) for v in list_villages(district=district)] if district else []),
            str(data.get("village") or ""),
        )
        picker = {"hx-include": "closest form", "hx-swap": "innerHTML"}
        self.fields["regency"].widget.attrs.update(
            picker, **{"hx-get": f"{options}?level=district", "hx-target": "#id_district"}
        )
        self.fields["district"].widget.attrs.update(
            picker,
            **{
                "hx-get": f"{options}?level=village",
                "hx-target": "#id_village",
                # A new regency empties the district: its villages go too.
                "hx-trigger": "change, regions-districts-replaced from:body",
            },
        )

    def clean(self):
        # Validation is the search's (parse_people_search); the fields only render.
        return self.cleaned_data


def _with_current(choices: list[tuple[str, str]], current: str) -> list[tuple[str, str]]:
    """Keep a value typed into the URL selectable (the search reports it if it is wrong)."""
    if current and current not in {value for value, _label in choices}:
        return [*choices, (current, current)]
    return choices


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
