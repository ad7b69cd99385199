"""Lindungi's own error pages, in Indonesian, with a way back, even with DEBUG on."""

import pytest
from django.test import override_settings


@override_settings(DEBUG=True)
def test_unknown_page_shows_lindungis_404_in_indonesian(client, province_officer):
    client.force_login(province_officer)
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert 'href="/"' in html
    assert "Django" not in html and "URLconf" not in html


@override_settings(DEBUG=True)
def test_refused_page_shows_lindungis_403(client, insurer_liaison):
    client.force_login(insurer_liaison)
    response = client.get("/contributions/")
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


@override_settings(DEBUG=True, FRIENDLY_SERVER_ERROR_PAGE=True)
def test_an_error_shows_lindungis_500_and_is_logged(client, province_officer, caplog):
    from unittest import mock

    client.force_login(province_officer)
    with mock.patch("lindungi.web.views.render", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Kesalahan server" in response.content.decode()
    assert any("boom" in str(record.exc_info) for record in caplog.records if record.exc_info)


@pytest.mark.django_db
def test_pages_carry_a_favicon(client):
    html = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
