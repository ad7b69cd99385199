from django.contrib import admin

from lindungi.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs change only through jobs.services, which audits every change."""

    list_display = ["id", "kind", "label", "status", "done", "total", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "label"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
