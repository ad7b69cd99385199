from lindungi.core.permissions import Action, can
from lindungi.web.hooks import attention_for
from lindungi.web.navigation import modules_for


def _regency_name(user) -> str:
    """The name of a regency officer's regency, read without its (large) boundary GeoJSON."""
    if not getattr(user, "regency_id", None):
        return ""
    regency_model = user._meta.get_field("regency").related_model
    name = regency_model.objects.filter(pk=user.regency_id).values_list("name", flat=True)
    return name.first() or user.regency_id


def navigation(request):
    """The menu of every page, built from the user's permissions, who is signed in, and whether
    the user sees NIKs in full."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_regency_name": "", "show_full_nik": False}
    match = getattr(request, "resolver_match", None)
    namespace = None
    if match is not None:
        namespace = match.namespace or (
            match.url_name if match.url_name in {"home", "attention"} else None
        )
    return {
        "nav_items": modules_for(user, namespace),
        "user_regency_name": _regency_name(user),
        # The menu shows how much work waits (counted at most once a minute per user).
        "attention_count": sum(item.count for item in attention_for(user)),
        # Every template shows a NIK or KK as `{{ nik|nik_for:show_full_nik }}` (issue 12.8).
        "show_full_nik": can(user, Action.VIEW_FULL_NIK),
    }
