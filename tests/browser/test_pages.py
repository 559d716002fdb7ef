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
    """Browsers ask every page for an icon (its <link rel="icon">, else /favicon.ico); a 404 is a console error.

    A data: URL (such as the empty "data:,") is never fetched.
    """
    page = browse.open("/")
    icon = page.evaluate(
        "() => document.querySelector('link[rel~=\"icon\"]')?.href ?? new URL('/favicon.ico', location.href).href"
    )
    if icon.startswith("data:"):
        return
    response = page.request.get(icon)
    assert response.status == 200, f"the site icon {icon} answered {response.status}"
    assert response.headers["content-type"].startswith("image/"), response.headers["content-type"]
