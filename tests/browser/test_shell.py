import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "test-password-123"  # what the persona fixtures set


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{base_url}/")


def test_stranger_signs_in_sees_the_menu_and_switches_to_english(
    page: Page, live_server, auditor, screenshots
):
    base = live_server.url
    page.goto(f"{base}/")

    # A stranger lands on the Indonesian login page, styled by our own bundle.
    expect(page).to_have_url(f"{base}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    assert page.evaluate("typeof window.htmx.ajax") == "function"
    assert page.evaluate("typeof window.Chart") == "function"
    assert page.evaluate("typeof window.L.map") == "function"
    # Pico's classless base is applied (its font stack replaces the browser default serif).
    assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
    page.screenshot(path=str(screenshots / "login.png"), full_page=True)

    page.get_by_label("Nama pengguna").fill("auditor")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(f"{base}/")
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="Beranda")).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="Audit")).to_be_visible()
    expect(page.get_by_role("heading", name="Selamat datang, auditor")).to_be_visible()
    expect(page.get_by_text("(Auditor)")).to_be_visible()
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Welcome, auditor")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Home"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/login/")
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_phone_width_folds_the_menu_behind_a_button(browser, live_server, auditor, screenshots):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    try:
        _sign_in(page, live_server.url, "auditor")
        # The menu's link, not the card of the same name on the home page.
        audit_link = page.locator("#site-nav").get_by_role("link", name="Audit", exact=True)
        menu_button = page.get_by_role("button", name="Menu")

        expect(menu_button).to_be_visible()
        expect(menu_button).to_have_attribute("aria-expanded", "false")
        expect(audit_link).to_be_hidden()
        # Nothing is wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        menu_button.click()
        expect(menu_button).to_have_attribute("aria-expanded", "true")
        expect(audit_link).to_be_visible()
        box = audit_link.bounding_box()
        assert box is not None and box["height"] >= 30  # big enough for a thumb
        page.screenshot(path=str(screenshots / "home-phone.png"), full_page=True)

        audit_link.click()
        expect(page).to_have_url(re.compile(r"/audit/$"))
        expect(page.get_by_role("heading", name="Jejak audit")).to_be_visible()
    finally:
        context.close()
