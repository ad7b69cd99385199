import pytest
from django.conf import settings
from django.urls import reverse

from lindungi.accounts.services import create_demo_users

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    return response.content.decode()


def test_stranger_at_the_root_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_login_page_is_indonesian_for_a_stranger(client):
    response = client.get("/login/")
    body = _body(response)
    assert response.status_code == 200
    assert '<html lang="id"' in body
    assert "<title>Masuk · Lindungi</title>" in body
    assert "Nama pengguna" in body
    assert "Kata sandi" in body
    assert "Sign in" not in body
    # A stranger gets no menu, only the language switch.
    assert 'id="site-nav" class="site-nav"' in body
    assert "Keluar" not in body


def test_demo_login_signs_in_and_lands_on_home(client):
    create_demo_users()
    response = client.post(
        "/login/",
        {"username": "alor", "password": settings.LINDUNGI_DEMO_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [("/", 302)]
    body = _body(response)
    assert response.context["user"].username == "alor"
    assert "Selamat datang, alor" in body
    assert "(Petugas kabupaten/kota · Kabupaten Alor)" in body


def test_wrong_password_is_refused_in_indonesian(client, regency_officer):
    response = client.post("/login/", {"username": "alor_officer", "password": "wrong"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah. Huruf besar dan kecil dibedakan." in _body(
        response
    )
    assert "_auth_user_id" not in client.session


def test_login_follows_next_within_the_site(client, auditor):
    response = client.post(
        "/login/?next=/audit/",
        {"username": "auditor", "password": "test-password-123", "next": "/audit/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/audit/"


def test_login_ignores_next_pointing_off_site(client, auditor):
    response = client.post(
        "/login/",
        {"username": "auditor", "password": "test-password-123", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_signed_in_user_visiting_login_goes_home(client, auditor):
    client.force_login(auditor)
    response = client.get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_signs_out_and_says_so(client, auditor):
    client.force_login(auditor)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [("/login/", 302)]
    assert "_auth_user_id" not in client.session
    assert "Anda telah keluar." in _body(response)


def test_logout_by_get_is_refused_and_keeps_the_session(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(auditor.pk)


def test_home_shows_cards_for_the_modules_the_user_may_use(client, auditor):
    client.force_login(auditor)
    body = _body(client.get("/"))
    assert '<a href="/audit/">Audit</a></h2>' in body
    assert "Setiap perubahan, siapa yang membuatnya dan dari mana asalnya." in body


def test_user_without_a_role_sees_no_module(client, django_user_model):
    user = django_user_model.objects.create_user(username="norole", password="x-password-1")
    client.force_login(user)
    response = client.get("/")
    body = _body(response)
    assert [item.key for item in response.context["nav_items"]] == ["home"]
    assert "Akun Anda belum memiliki peran." in body
    assert 'href="/audit/"' not in body


@pytest.mark.parametrize(
    ("persona", "sees_audit"),
    [
        ("province_admin", True),
        ("province_officer", True),
        ("auditor", True),
        ("superuser", True),
        ("regency_officer", False),
        ("insurer_liaison", False),
    ],
)
def test_audit_is_in_the_menu_only_for_roles_that_may_view_it(client, request, persona, sees_audit):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    keys = [item.key for item in response.context["nav_items"]]
    assert ("audit" in keys) is sees_audit
    assert ('<li><a href="/audit/">Audit</a></li>' in _body(response)) is sees_audit


def test_menu_marks_the_module_being_viewed(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("audit:list"))
    active = [item.key for item in response.context["nav_items"] if item.active]
    assert active == ["audit"]
    assert '<a href="/audit/" aria-current="page">Audit</a>' in _body(response)


def test_language_switch_to_english_changes_the_page(client, auditor):
    client.force_login(auditor)
    assert "Keluar" in _body(client.get("/"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = _body(response)
    assert response.redirect_chain == [("/", 302)]
    assert '<html lang="en"' in body
    assert "Welcome, auditor" in body
    assert "Sign out" in body
    assert "Keluar" not in body
    # And back again.
    response = client.post("/i18n/setlang/", {"language": "id", "next": "/"}, follow=True)
    assert "Selamat datang, auditor" in _body(response)


def test_language_switch_refuses_an_unknown_language(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/login/"}, follow=True)
    assert '<html lang="id"' in _body(response)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies or (
        response.cookies[settings.LANGUAGE_COOKIE_NAME].value != "xx"
    )


def test_forbidden_page_explains_in_indonesian(client, regency_officer):
    client.force_login(regency_officer)
    response = client.get(reverse("audit:list"))
    body = _body(response)
    assert response.status_code == 403
    assert "<h1>Akses ditolak</h1>" in body
    assert "Peran Anda tidak mengizinkan Anda membuka halaman ini." in body


def test_missing_page_explains_in_indonesian(client, auditor):
    client.force_login(auditor)
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "<h1>Halaman tidak ditemukan</h1>" in _body(response)


def test_server_error_page_renders_standalone_in_indonesian():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert '<html lang="id"' in html
    assert "<h1>Kesalahan server</h1>" in html


def test_pages_load_assets_from_the_app_never_a_cdn(client):
    body = _body(client.get("/login/"))
    assert '<link rel="stylesheet" href="/static/app.css">' in body
    assert '<script src="/static/app.js" defer></script>' in body
    # Every script, stylesheet and icon comes from this app (the CSRF token in the page is
    # random text, so only the asset addresses are checked).
    import re

    assets = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"', body)
    assert assets
    assert all(url.startswith(("/", "#", "?")) for url in assets), assets


def test_home_page_costs_a_fixed_number_of_queries(
    client, regency_officer, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lindungi.registry.tests.factories import PersonFactory

    cache.clear()
    client.force_login(regency_officer)
    client.get("/")  # counts the work waiting once a minute: warm that cache first
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    PersonFactory.create_batch(5)
    with CaptureQueriesContext(connection) as more:
        client.get("/")
    # Key figures come from the summary tables: the same queries whatever the registry holds.
    assert len(few.captured_queries) == len(more.captured_queries) <= 12
    assert not any("boundary" in query["sql"] for query in more.captured_queries)


def test_menu_skips_modules_whose_urls_do_not_exist_yet(monkeypatch, auditor):
    from lindungi.core.permissions import Action
    from lindungi.web import navigation

    monkeypatch.setattr(
        navigation,
        "MODULES",
        (
            navigation.Module("claims", "Klaim", "", ("claims:list",)),
            navigation.Module(
                "audit", "Audit", "", ("audit:nope", "audit:list"), Action.VIEW_AUDIT
            ),
            navigation.Module("money", "Uang", "", ("audit:list",), Action.MANAGE_BILLING),
        ),
    )
    items = navigation.modules_for(auditor, "audit")
    assert [(item.key, item.url, item.active) for item in items] == [("audit", "/audit/", True)]
