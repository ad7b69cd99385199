from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.cycle.choices import EntryOutcome


class RenewForm(forms.Form):
    year = forms.IntegerField(label=_("New year"), min_value=2000, max_value=2100)


class ExceptionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (EntryOutcome.CONTINUES, EntryOutcome.CONTINUES.label),
            (EntryOutcome.LEAVES, EntryOutcome.LEAVES.label),
        ],
    )
    note = forms.CharField(label=_("Why"), min_length=10, max_length=300)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=500)
