"""Every role opens every page of its menu at phone and laptop widths (issue 18).

For the province officer, a regency officer, the insurer's liaison, an auditor, an award panel
member and the public (signed out), on a small demo world: each link of the main menu and of
the module's own sub-menu answers without an error (no 403 from a menu link, no 500), the
phone page never scrolls sideways (wide tables scroll inside their own box), and no English
sentence of the catalogues shows on the Indonesian page. The home page of each role at each
width is saved as a screenshot (`LINDUNGI_SCREENSHOTS=docs/screenshots` refreshes the
documentation's: see docs/screenshots/README.md).
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.web.tests.test_translations import _entries

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
WIDTHS = {"phone": PHONE, "laptop": LAPTOP}
ROOT = Path(__file__).resolve().parents[2]
# Pages a link may lead to that are files or actions, not pages to look at.
PUBLIC_PAGES = ("login", "reports:public", "awards:public")
SKIPPED = re.compile(r"(\.(csv|xlsx|pdf|json|geojson)$)|/logout/|/admin/|/api/")


def english_sentences() -> set[str]:
    """The catalogues' English texts of several words whose Indonesian reads otherwise: one
    of them on an Indonesian page is a string nobody translated (or a page in English)."""
    found = set()
    for po in (ROOT / "lindungi").glob("**/locale/id/LC_MESSAGES/django.po"):
        for msgid, msgstr, _fuzzy in _entries(po):
            if not msgstr or msgstr == msgid or "%" in msgid or "{" in msgid:
                continue
            if len(msgid) >= 18 and msgid.count(" ") >= 2 and "\n" not in msgid:
                found.add(msgid)
    return found


@pytest.fixture
def world(province_admin, settings, tmp_path):
    from lindungi.demo.services import DemoScale, load_demo

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(user=province_admin, scale=DemoScale(candidates=400, target=200, seed=13))


@pytest.fixture
def panel_member(db):
    from lindungi.accounts.models import User
    from lindungi.core.roles import Role

    member = User(username="panelis", role=Role.PANEL_MEMBER, first_name="Panelis")
    member.set_password("test-password-123")
    member.save()
    return member


def _sign_in(context, base: str, user) -> None:
    """The browser gets the session of a signed-in Django client (faster than the form,
    which the shell tests cover)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])


def _links(page, selector: str, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "links => links.map(a => a.href)")
    wanted = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or SKIPPED.search(parts.path):
            continue
        url = f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        if url not in wanted:
            wanted.append(url)
    return wanted


def _check(page, url: str, width: int, english: set[str]) -> list[str]:
    problems = []
    response = page.goto(url)
    status = response.status if response else 0
    if status >= 400 or status == 0:
        return [f"{url}: answered {status}"]
    overflow = page.evaluate("document.documentElement.scrollWidth")
    if overflow > width:
        problems.append(f"{url}: {overflow}px wide at {width}px (scrolls sideways)")
    if page.evaluate("document.documentElement.lang") != "id":
        problems.append(f"{url}: not Indonesian")
    text = page.inner_text("body")
    shown = sorted(sentence for sentence in english if sentence in text)
    if shown:
        problems.append(f"{url}: English on the Indonesian page: {shown[:3]}")
    return problems


def test_every_role_opens_its_menu_at_phone_and_laptop_widths(
    browser,
    live_server,
    world,
    province_officer,
    regency_officer,
    insurer_liaison,
    auditor,
    panel_member,
    screenshots,
):
    base = live_server.url
    english = english_sentences()
    roles = {
        "province-officer": province_officer,
        "regency-officer": regency_officer,
        "insurer-liaison": insurer_liaison,
        "auditor": auditor,
        "panel-member": panel_member,
        "public": None,
    }
    problems: list[str] = []
    opened = 0
    for role, user in roles.items():
        for width_name, viewport in WIDTHS.items():
            context = browser.new_context(viewport=viewport, locale="id-ID")
            page = context.new_page()
            try:
                if user is not None:
                    _sign_in(context, base, user)
                page.goto(f"{base}/")
                page.screenshot(
                    path=str(screenshots / f"role-{role}-{width_name}.png"), full_page=False
                )
                if user is not None:
                    menu = _links(page, "#site-nav a[href]", base)
                else:
                    # The public has no menu: the sign-in page, the public figures and the
                    # award results, and the links those pages offer.
                    menu = [f"{base}{reverse(name)}" for name in PUBLIC_PAGES]
                    page.goto(menu[1])
                    menu += [url for url in _links(page, "main a[href]", base) if url not in menu]
                assert menu, f"{role}: no menu"
                seen: set[str] = set()
                for url in menu:
                    for found in _check(page, url, viewport["width"], english):
                        problems.append(f"{role} {width_name}: {found}")
                    seen.add(url)
                    opened += 1
                    # The module's own sub-menu, one level down.
                    for sub in _links(page, "nav.subnav a[href]", base):
                        if sub in seen:
                            continue
                        seen.add(sub)
                        opened += 1
                        for found in _check(page, sub, viewport["width"], english):
                            problems.append(f"{role} {width_name}: {found}")
            finally:
                context.close()
    assert opened > 40
    assert problems == [], "\n".join(problems)
