import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Indonesian unless the user picked another language with the switch in the header.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones in
    NTT are set to English; the programme's working language is Indonesian, so only an
    explicit choice (the language cookie set by /i18n/setlang/) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


logger = logging.getLogger("django.request")


class FriendlyErrorPagesMiddleware:
    """Lindungi's own 404, 403 and 500 pages, in the user's language, also when DEBUG is on.

    `make run` serves the demo with DEBUG on, and officers trying it should meet the pages
    they will meet in production, not Django's English debug pages. A developer who wants the
    debug pages sets DEBUG_ERROR_PAGES=true. Unexpected errors are still logged with their
    traceback.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and settings.DEBUG
            and not settings.DEBUG_ERROR_PAGES
            and getattr(request, "resolver_match", None) is None
        ):
            # No URL matched: Django answered before any view or process_exception ran.
            return render(request, "404.html", status=404)
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG or settings.DEBUG_ERROR_PAGES:
            return None  # without DEBUG, Django's handlers already render our templates
        if isinstance(exception, Http404):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", status=403)
        if settings.FRIENDLY_SERVER_ERROR_PAGE:
            logger.error("Internal Server Error: %s", request.path, exc_info=exception)
            return render(request, "500.html", status=500)
        return None
