"""Screenshots for the README: ``SCREENSHOTS_DIR=docs/screenshots pytest tests/browser/test_screenshots.py``.

Skipped unless SCREENSHOTS_DIR is set. Each page is shot at a desktop size (1280 × 900, the first screen
only) and a phone size (390 × 844), in the light colour scheme, named like home-desktop.png.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import editor

from .conftest import DESKTOP, PHONE

SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")
PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory's password

PAGES = {
    "home": "/",
    "reader": "/briefing/",
    "section-card": "/briefing/the-wagner-transition/",
    "leader": "/leaders/ibrahim-traore/",
    "leader-comparison": "/leaders/compare/",
    "timeline": "/timeline/",
    "search": "/search/?q=gold",
    "faq": "/faq/",
}


@pytest.mark.skipif(not SCREENSHOTS_DIR, reason="set SCREENSHOTS_DIR to write the README screenshots")
def test_readme_screenshots(browse):
    folder = Path(SCREENSHOTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for size, options in {"desktop": {"viewport": DESKTOP}, "phone": {"viewport": PHONE, "phone": True}}.items():
        page = browse.new_page(**options)
        for name, path in PAGES.items():
            response = page.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            expect(page.locator("h1")).to_be_visible()
            page.screenshot(path=folder / f"{name}-{size}.png", animations="disabled", caret="hide")
    for name in PAGES:
        for size, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
            header = (folder / f"{name}-{size}.png").read_bytes()[:24]
            assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{name}-{size}.png is not a PNG"
            width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
            assert (width, height) == (viewport["width"], viewport["height"]), f"{name}-{size}.png is {width}x{height}"


@pytest.fixture(scope="module")
def edna(site, django_db_blocker):
    """An editor, committed so that the server thread sees her (flushed with the module)."""
    with django_db_blocker.unblock():
        return editor(username="edna")


@pytest.mark.skipif(not SCREENSHOTS_DIR, reason="set SCREENSHOTS_DIR to write the README screenshots")
def test_readme_admin_screenshots(browse, edna):
    """The editors' view: the importer's proposals to review, and an item with the paragraph it cites."""
    folder = Path(SCREENSHOTS_DIR)
    page = browse.new_page(viewport=DESKTOP)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("edna")
    page.goto("/admin/briefings/timelineevent/?origin__exact=proposed")
    expect(page.locator("#result_list")).to_be_visible()
    page.screenshot(path=folder / "admin-proposals-desktop.png", animations="disabled", caret="hide")
    page.goto("/admin/briefings/keyfigure/?q=gold")
    page.locator("#result_list tbody tr a").first.click()
    expect(page.locator("h1")).to_be_visible()
    page.screenshot(path=folder / "admin-figure-desktop.png", animations="disabled", caret="hide", full_page=True)
