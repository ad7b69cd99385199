import time

from django.conf import settings

# How often an active session's idle timer is pushed forward: once a minute is precise enough
# for a 30-minute timeout and spares a session write on every request.
RENEW_EVERY_SECONDS = 60
LAST_SEEN = "_lindungi_last_seen"


def mark_seen(session) -> None:
    session[LAST_SEEN] = int(time.time())


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without a request (issue 12.5).

    A session is saved (so its expiry moves to now + SESSION_COOKIE_AGE) when it was last
    renewed more than a minute ago; a session that expired is already gone when the request
    arrives, so the user is signed out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            last_seen = request.session.get(LAST_SEEN, 0)
            if time.time() - last_seen > min(RENEW_EVERY_SECONDS, settings.SESSION_COOKIE_AGE):
                mark_seen(request.session)
        return self.get_response(request)
