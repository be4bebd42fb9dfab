"""Language: Dutch first, English when the visitor chooses it."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Speaks LANGUAGE_CODE (Dutch) unless the visitor picked another language.

    Browsers in the Netherlands often announce English (work laptops, English OS), so the
    Accept-Language header is ignored; the language switch sets a cookie that is honoured.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
