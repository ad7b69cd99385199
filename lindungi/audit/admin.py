from django.contrib import admin

from lindungi.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the admin can browse the trail but never add, change or delete a row."""

    list_display = ["occurred_at", "actor_username", "action", "object_type", "object_id", "source"]
    list_filter = ["source", "object_type"]
    search_fields = ["actor_username", "action", "object_id", "object_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
