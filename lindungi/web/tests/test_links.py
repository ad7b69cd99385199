"""Every link a page shows its user leads somewhere that user may open (no 403 dead ends)."""

import re

import pytest

from lindungi.web.navigation import modules_for

# Downloads are checked by their own tests; logging out ends the crawl.
SKIPPED = re.compile(r"^/static/|logout|format=|\.(xlsx|pdf|csv)|/(xlsx|pdf|csv)/?$")
LINK = re.compile(r'href="(/[^"#]*)"')


def _links(html: str) -> set[str]:
    return {link.replace("&amp;", "&") for link in LINK.findall(html) if not SKIPPED.search(link)}


def crawl(client, start: list[str], depth: int = 2) -> dict[str, tuple[int, str]]:
    """Follow the links of the pages reachable from `start`; return the refused ones."""
    refused: dict[str, tuple[int, str]] = {}
    seen: set[str] = set()
    frontier = [(url, "menu") for url in start]
    for _level in range(depth + 1):
        following = []
        for url, source in frontier:
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code == 403:
                refused[url] = (403, source)
                continue
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            following.extend((link, url) for link in _links(response.content.decode()))
        frontier = following
    return refused


@pytest.mark.parametrize(
    "persona",
    ["province_officer", "regency_officer", "insurer_liaison", "auditor"],
)
def test_no_page_links_to_a_page_its_user_may_not_open(client, personas, persona):
    user = personas[persona]
    client.force_login(user)
    start = [item.url for item in modules_for(user)]
    assert start, "every role has a menu"
    assert crawl(client, start) == {}
