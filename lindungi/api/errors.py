"""One error shape for the whole REST API, with stable codes.

Every refusal is `{"code": ..., "detail": ..., "errors": {parameter: [{"code", "detail"}]}}`:
`code` names the kind of refusal and never changes (clients branch on it), `detail` is for a
person, `errors` says which parameter was wrong and why (bad input only).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from lindungi.core.errors import LindungiError
from lindungi.registry.search import InvalidSearch

CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "malformed_request",
}


class BadParameter(exceptions.ValidationError):
    """A query parameter the endpoint cannot use: 400 with the parameter's own code."""

    def __init__(self, parameter: str, code: str, detail: str) -> None:
        super().__init__({parameter: [exceptions.ErrorDetail(detail, code=code)]})


def _field_errors(detail) -> dict[str, list[dict[str, str]]]:
    if isinstance(detail, dict):
        errors = {}
        for name, value in detail.items():
            items = value if isinstance(value, list) else [value]
            errors[str(name)] = [
                {"code": getattr(item, "code", "invalid"), "detail": str(item)}
                for item in items
                if not isinstance(item, dict | list)
            ] or [{"code": "invalid", "detail": str(value)}]
        return errors
    items = detail if isinstance(detail, list) else [detail]
    return {
        "non_field_errors": [
            {"code": getattr(item, "code", "invalid"), "detail": str(item)} for item in items
        ]
    }


def api_exception_handler(exc, context):
    if isinstance(exc, InvalidSearch):
        errors = {
            name: [{"code": code, "detail": message}]
            for name, (code, message) in exc.errors.items()
        }
        body = {"code": "invalid_parameter", "detail": exc.message, "errors": errors}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, LindungiError):
        body = {"code": exc.code, "detail": exc.message, "errors": {}}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "invalid_parameter",
            "detail": "Some of the input is not valid.",
            "errors": _field_errors(exc.detail),
        }
    else:
        code = next((code for kind, code in CODES.items() if isinstance(exc, kind)), "error")
        body = {"code": code, "detail": str(getattr(exc, "detail", exc)), "errors": {}}
    response.data = body
    return response
