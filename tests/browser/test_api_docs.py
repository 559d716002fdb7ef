"""The API documentation pages (Swagger UI and ReDoc, served from our own static files under the site's CSP)."""

from playwright.sync_api import expect


def test_swagger_ui(browse):
    page = browse.open("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Sahel Learn API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    browse.assert_accessible(page)


def test_redoc(browse):
    page = browse.open("/api/redoc/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sahel Learn API")
    expect(page.locator("[data-section-id]").first).to_be_attached()
    browse.assert_accessible(page)
