"""The study pages: each on a desktop and on phones, light and dark, and without JavaScript."""

import pytest

PAGES = {
    "home": "/",
    "reader": "/briefing/",
    "leaders": "/leaders/",
    "leader-compare": "/leaders/compare/",
    "leader-ibrahim-traore": "/leaders/ibrahim-traore/",
    "leader-assimi-goita": "/leaders/assimi-goita/",
    "timeline": "/timeline/",
    "figures": "/figures/",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page(browse, path):
    browse.check_page(path)


def test_site_icon_does_not_404(browse):
    """Browsers ask every page for an icon: its <link rel="icon">, which is an empty data: URL (never
    fetched); clients that ignore it ask for /favicon.ico, which must be an image, not a 404."""
    page = browse.open("/")
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=\"icon\"]')].map((link) => link.href)")
    assert icons == ["data:,"]
    response = page.request.get(f"{browse.base_url}/favicon.ico")
    assert response.status == 200, f"/favicon.ico answered {response.status}"
    assert response.headers["content-type"].startswith("image/"), response.headers["content-type"]
