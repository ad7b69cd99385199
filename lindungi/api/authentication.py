"""Bearer tokens of system API clients, and a rate limit per client."""

import threading
import time
from collections import deque

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.throttling import BaseThrottle

from lindungi.api.services import authenticate_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer lnd_...`: the request acts as the client's system user."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give one token after Bearer.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        client = authenticate_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed("The token is not valid or was revoked.")
        request.api_client = client
        return client.user, client

    def authenticate_header(self, request) -> str:
        return self.keyword


class ClientRateThrottle(BaseThrottle):
    """Each client's own `requests_per_minute`; people (sessions) are not limited here.

    The counter lives in this process's memory (a sliding window of request times per
    client), not in the cache: the file cache wrote a file on every request (~20 ms under
    load). With several worker processes each counts on its own, so a client may make up to
    `requests_per_minute` per process; that bounds a runaway partner, which is its purpose.
    """

    WINDOW = 60.0  # seconds

    def allow_request(self, request, view) -> bool:
        client = getattr(request, "auth", None)
        if client is None or not hasattr(client, "requests_per_minute"):
            return True
        now = time.monotonic()
        # The token prefix as well as the id: a client id may be reused after a deletion.
        key = (client.pk, client.token_prefix)
        with _WINDOWS_LOCK:
            window = _WINDOWS.setdefault(key, deque())
            while window and window[0] <= now - self.WINDOW:
                window.popleft()
            if len(window) >= client.requests_per_minute:
                self._wait = self.WINDOW - (now - window[0])
                return False
            window.append(now)
        return True

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


def reset_rate_limits() -> None:
    """Forget every client's recent requests (tests; a revoked client's window)."""
    with _WINDOWS_LOCK:
        _WINDOWS.clear()


# Request times per client, in this process.
_WINDOWS: dict[tuple[int, str], deque[float]] = {}
_WINDOWS_LOCK = threading.Lock()


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the client tokens in the OpenAPI document (bearer)."""

    target_class = "lindungi.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token of an API client (lnd_...), shown once when it was created.",
        }
