from django.contrib import admin

from lindungi.contributions.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The due-date calendar: a year's national holidays, cuti bersama and regional days."""

    list_display = ("day", "name", "kind", "regency", "moves_due_date", "provisional", "source")
    list_filter = ("kind", "provisional", "moves_due_date")
    date_hierarchy = "day"
    search_fields = ("name",)
