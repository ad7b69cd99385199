"""Form pieces every app shares."""

from django import forms
from django.utils import timezone


class DateInput(forms.DateInput):
    """The browser's own date picker.

    `<input type="date">` accepts only ISO dates (2026-12-03); Django would otherwise render
    the value in the Indonesian format (03-12-2026), which the browser refuses and shows empty.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TodayDateField(forms.DateField):
    """A date that defaults to today (in the installation's time zone)."""

    widget = DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("initial", timezone.localdate)
        super().__init__(**kwargs)
