"""Every page of the demo organisation, as every role, has headings that never skip a level and no
table header without a name (issue 15, accessibility: h2 to h4 in info boxes, signature blocks,
checklist groups, print views and the matrix; an empty header cell in the export jobs table).

The pages are found by following the links of the first page of each demo account, as a person would
click through them (downloads and log-out left out)."""
import re
from urllib.parse import urlsplit

import pytest
from lxml import html

from conftest import Client
from export_support import close_database, demo_organisation, use_database

DEMO_PASSWORD = "demo-pop-2026"
# One account of each role and each form, and a plan in each state of the cycle (README).
ACCOUNTS = ["eva.visser@voorbeeld.nl", "daan.smit@voorbeeld.nl", "youssef.elamrani@voorbeeld.nl",
            "lotte.mulder@voorbeeld.nl", "fatima.bouzid@voorbeeld.nl", "tim.deboer@voorbeeld.nl",
            "noor.dewit@voorbeeld.nl", "kim.hendriks@voorbeeld.nl", "bas.verhoeven@voorbeeld.nl",
            "marco.jansen@voorbeeld.nl", "sanne.bakker@voorbeeld.nl", "hr@voorbeeld.nl"]
NOT_A_PAGE = re.compile(r"\.(docx|xlsx|ics|zip|pdf|css|js|png)$|/download|/uitloggen|/logout")
MAX_PAGES = 250


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app, _plans = demo_organisation(tmp_path_factory.mktemp("structure"))
    yield app
    close_database()


def heading_skips(root) -> list[str]:
    """Headings that go more than one level deeper than the heading before them."""
    skips, previous = [], None
    for heading in root.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6"):
        level = int(heading.tag[1])
        if previous is not None and level > previous + 1:
            skips.append(f"h{previous} → h{level} {heading.text_content().strip()[:50]!r}")
        previous = level
    return skips


def empty_headers(root) -> list[str]:
    return [html.tostring(th, encoding="unicode")[:80] for th in root.xpath("//th")
            if not th.text_content().strip() and not th.get("aria-label")]


def walk(client) -> dict[str, html.HtmlElement]:
    """The pages reachable from the first page by links, each once."""
    pages, queue = {}, ["/"]
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in pages:
            continue
        response = client.get(url)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            pages[url] = None
            continue
        root = html.fromstring(response.get_data(as_text=True))
        pages[url] = root
        for href in root.xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or NOT_A_PAGE.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in pages:
                queue.append(target)
    return {url: root for url, root in pages.items() if root is not None}


def test_the_walk_finds_a_skip_and_an_empty_header():
    """The checks below see what they look for."""
    root = html.fromstring("<main><h1>a</h1><h2>b</h2><h4>c</h4><table><tr><th> </th></tr></table></main>")
    assert heading_skips(root) == ["h2 → h4 'c'"] and len(empty_headers(root)) == 1
    assert not heading_skips(html.fromstring("<main><h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2></main>"))


@pytest.mark.parametrize("email", ACCOUNTS)
def test_no_heading_skips_a_level_and_no_table_header_is_empty(demo, email):
    use_database(demo)
    client = Client(demo)
    assert client.login(email, DEMO_PASSWORD).status_code == 302
    if email.startswith("hr@"):
        # An export job, so that the list of recent exports (and its last column) is on the page.
        response = client.post("/export", data={"afdeling": "", "periode": "", "status": "",
                                                "formulier": ""})
        assert response.status_code in (200, 302), response.status_code
    pages = walk(client)
    kinds = {re.sub(r"/\d+", "/N", url.split("?")[0]) for url in pages}
    assert "/plans/N" in kinds or email.startswith("hr@") or "daan" in email, sorted(kinds)
    if email.startswith("hr@"):
        assert {"/export", "/matrix", "/plans/N/afdrukken", "/plans/N/fase-1"} <= kinds, sorted(kinds)
        jobs = pages["/export"].xpath("//h2[text()='Recente exports']/following-sibling::table[1]//th")
        assert jobs, "no export job listed"
    if email.startswith("marco"):
        assert {"/matrix", "/plans/N/gesprekken", "/plans/N/versies/N"} <= kinds, sorted(kinds)
    problems = {url: heading_skips(root) + empty_headers(root) for url, root in pages.items()}
    problems = {url: found for url, found in problems.items() if found}
    assert not problems, problems
