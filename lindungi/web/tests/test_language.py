import pytest
from django.conf import settings
from django.test import override_settings

LOCALE = "django.middleware.locale.LocaleMiddleware"
OURS = "lindungi.web.middleware.IndonesianFirstLocaleMiddleware"


@pytest.fixture
def indonesian_first():
    middleware = [OURS if name == LOCALE else name for name in settings.MIDDLEWARE]
    assert OURS in middleware
    with override_settings(MIDDLEWARE=middleware):
        yield


def _lang(response) -> str:
    body = response.content.decode()
    return body[body.index("<html lang=") :].split('"')[1]


@pytest.mark.usefixtures("indonesian_first")
def test_an_english_browser_still_gets_indonesian(client):
    response = client.get("/login/", headers={"accept-language": "en-US,en;q=0.9"})
    assert _lang(response) == "id"
    assert "<h1>Masuk</h1>" in response.content.decode()


@pytest.mark.usefixtures("indonesian_first")
def test_the_language_switch_still_chooses_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/")
    assert _lang(response) == "en"
    assert "<h1>Sign in</h1>" in response.content.decode()


@pytest.mark.usefixtures("indonesian_first")
def test_an_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert _lang(client.get("/login/")) == "id"


@pytest.mark.usefixtures("indonesian_first")
def test_a_regional_variant_cookie_uses_its_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-gb"
    assert _lang(client.get("/login/")) == "en"
