"""The API asks lindungi.core.permissions, like every page: reads by action, and the few
partner writes by their own action."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from lindungi.core.permissions import Action, can


class ReadsByAction(BasePermission):
    """Allow safe methods to users holding the view's `required_action` (or any role if None).

    POST, PUT, PATCH and DELETE are refused here for everybody, before any handler runs; the
    partner writes use `WritesByAction` instead.
    """

    message = "You may not read this."

    def has_permission(self, request, view) -> bool:
        if request.method not in SAFE_METHODS:
            return False
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        action: Action | None = getattr(view, "required_action", None)
        if action is None:
            return bool(user.is_superuser or user.role)
        return can(user, action)


class WritesByAction(ReadsByAction):
    """Reads as `ReadsByAction`; a POST needs the view's `write_action` (a partner's write,
    which the service checks again with `require()` and audits)."""

    message = "You may not do this."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        if request.method != "POST":
            return False
        action: Action | None = getattr(view, "write_action", None)
        return action is not None and can(request.user, action)


def acting(request):
    """The audit context of this request with its authenticated user: a token is read by DRF
    after the audit middleware ran, which therefore saw no user (as the claim pages do)."""
    from lindungi.audit.context import audit_context

    reference = getattr(request, "request_id", "") or getattr(request._request, "request_id", "")
    return audit_context(source="request", reference=reference, user_id=request.user.pk)
