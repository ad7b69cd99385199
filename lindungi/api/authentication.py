"""Bearer tokens of system API clients, and a rate limit per client."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.throttling import SimpleRateThrottle

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


class ClientRateThrottle(SimpleRateThrottle):
    """Each client's own `requests_per_minute`; people (sessions) are not limited here."""

    scope = "api_client"

    def get_rate(self):
        return None  # set per request in allow_request

    def allow_request(self, request, view):
        client = getattr(request, "auth", None)
        if client is None or not hasattr(client, "requests_per_minute"):
            return True
        self.num_requests, self.duration = client.requests_per_minute, 60
        self.key = f"throttle_api_client_{client.pk}"
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request, view):
        return self.key


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
