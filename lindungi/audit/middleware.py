import uuid

from lindungi.audit.context import audit_context


class AuditContextMiddleware:
    """Tag every write made while serving a request with that request's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        request.request_id = request_id
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        with audit_context(source="request", reference=request_id, user_id=user_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
