from django.conf import settings
from django.middleware.locale import LocaleMiddleware
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
