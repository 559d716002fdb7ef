"""The API documentation pages (Swagger UI and ReDoc, served from our own static files under the site's CSP)."""

from playwright.sync_api import expect

# Both pages fetch /api/schema/, which drf-spectacular builds on the first request (seconds on a loaded CI
# machine, with the whole API to walk): the first check waits for it longer than Playwright's 5 s default.
SCHEMA_BUILT = 30_000


def test_swagger_ui(browse):
    page = browse.open("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Sahel Learn API", timeout=SCHEMA_BUILT)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    browse.assert_accessible(page)


def test_redoc(browse):
    page = browse.open("/api/redoc/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sahel Learn API", timeout=SCHEMA_BUILT)
    expect(page.locator("[data-section-id]").first).to_be_attached()
    browse.assert_accessible(page)
