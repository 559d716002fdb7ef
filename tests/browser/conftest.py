"""Browser tests: Playwright (pytest-playwright) drives Debian's Chromium against a live Django server.

Every test here is marked ``browser``. Without /usr/bin/chromium or axe-core the tests are skipped,
unless ``REQUIRE_BROWSER=1`` (CI), where they fail. Pages are opened through the ``browse`` fixture,
which loads the real briefing and its content pack into the live server's database, fails the test on
any console error, uncaught page error or Content-Security-Policy violation, runs axe-core, and saves
a full-page screenshot of every open page to test-results/ when a test fails.
"""

import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import modify_settings
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from briefings.actions import import_briefing
from tests.factories import PASSWORD

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BROWSER_TESTS_DIR.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
FAILURE_SCREENSHOTS_DIR = PROJECT_DIR / "test-results"
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")  # where ``save_screenshots`` writes, when set

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}

BODY_BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# axe-core is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
# pages keep their real policy and nothing is injected that the site itself would have to allow.
# ``preload: false``: axe would otherwise fetch every stylesheet for its CSSOM rules and put the text of
# any that uses @import (Django's admin forms.css does) into <style> elements, which the CSP refuses.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"], preload: false});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target.map(String).join(" >>> "),
      html: node.html.slice(0, 200),
      summary: node.failureSummary,
    })),
  }));
}"""

# The page's width against the layout viewport, and the outermost elements that stick out of it.
# Content inside a scroll container (a wide table in an overflow-x wrapper) cannot widen the page.
MEASURE_OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const clipped = (element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== "visible") return true;
    }
    return false;
  };
  const offenders = [];
  if (root.scrollWidth > width) {
    for (const element of document.body.querySelectorAll("*")) {
      const right = element.getBoundingClientRect().right;
      if (right > width + 0.5 && !clipped(element) && !offenders.some((outer) => outer.contains(element))) {
        offenders.push(element);
      }
    }
  }
  const describe = (element) => {
    const id = element.id ? `#${element.id}` : "";
    const classes = [...element.classList].map((name) => `.${name}`).join("");
    const right = Math.round(element.getBoundingClientRect().right);
    return `<${element.tagName.toLowerCase()}${id}${classes}> ends at ${right}px`;
  };
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: width,
    offenders: offenders.slice(0, 8).map(describe),
  };
}"""


_reports_key = pytest.StashKey[dict]()


def _is_browser_test(item):
    return item.path.is_relative_to(BROWSER_TESTS_DIR)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
            # The test database must exist; each module's ``site`` fixture commits the content it serves.
            item.add_marker(pytest.mark.django_db)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if _is_browser_test(item):
        item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture(scope="session", autouse=True)
def browser_tools():
    """Skip (or, with REQUIRE_BROWSER=1, fail) when Chromium or axe-core is not installed."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core at {AXE_JS} (npm ci)")
    if missing:
        message = "The browser tests need " + " and ".join(missing) + "."
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " REQUIRE_BROWSER=1 makes this a failure.", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def playwright(playwright):
    """pytest-playwright's Playwright, and the database connections opened while it ran closed at the end.

    Between calls, Playwright's sync API marks its asyncio loop as running in this thread, so Django
    keeps this thread's connections in a separate (async) store meanwhile, one that the database
    teardown, which runs after Playwright has stopped, does not see. Left open, such a connection
    (from these tests or from any test after them in the same worker) keeps PostgreSQL from dropping
    the test database.
    """
    yield playwright
    connections.close_all()


@pytest.fixture(scope="session")
def axe_source(browser_tools):
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The address of a live server whose database holds the real article and content pack.

    pytest-django's ``live_server`` makes every test transactional: the database is flushed after each
    test, so the content (about two seconds to import) would be imported again for every page. These
    tests only read it, so each module imports it once, committed so that the server thread sees it on
    PostgreSQL too, and runs its own server thread. Afterwards the database is put back exactly as it
    was (a flush would also drop the migrations' data, such as the role groups, that tests which run
    later in the same worker rely on). Each test also runs in a transaction that is rolled back.
    """
    with django_db_blocker.unblock():
        from tests.conftest import ensure_role_groups

        ensure_role_groups()  # an earlier transactional test on this worker may have flushed them
        before = connection.creation.serialize_db_to_string()
        import_briefing(article_path=settings.BRIEFING_SOURCE, pack_dir=settings.BRIEFING_PACK, publish=True)
        address = os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost")
        server = LiveServer(address)
        try:
            with modify_settings(ALLOWED_HOSTS={"append": address.split(":")[0]}):
                yield server.url
        finally:
            _join_request_threads()
            server.stop()
            # Sequences kept: the rows put back keep their ids, which the sequences have already passed.
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
            connection.creation.deserialize_db_from_string(before)


def _join_request_threads(timeout=5.0):
    """Let the live server's request threads finish closing their connections before it stops.

    Django's request threads are daemons the server never joins; one still closing a keep-alive
    connection when the server stops would use a database connection no longer shared with it.
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        # socketserver names each request's thread after its target: "Thread-7 (process_request_thread)".
        if thread is not threading.current_thread() and thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))


class Browsing:
    """Opens pages on the live server and records everything the browser complains about."""

    def __init__(self, *, base_url, new_context, axe_source):
        self.base_url = base_url
        self._new_context = new_context
        self._axe_source = axe_source
        self.pages = []
        self.problems = []
        self._expected_errors = set()  # (url, status) of documents opened expecting that status

    def new_page(self, *, viewport=DESKTOP, phone=False, javascript=True, color_scheme="light"):
        context = self._new_context(
            base_url=self.base_url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            java_script_enabled=javascript,
            color_scheme=color_scheme,
        )
        page = context.new_page()
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught error: {error}"))
        self.pages.append(page)
        return page

    def open(self, path, *, status=200, **options):
        """A new page at ``path``; asserts the status (an expected error status is not a console error)."""
        page = self.new_page(**options)
        if status != 200:
            self.expect_error(path, status)
        response = page.goto(path)
        assert response is not None, f"No response for {path}"
        assert response.status == status, f"{path} answered {response.status}, not {status}"
        return page

    def expect_error(self, path, status):
        """The test expects ``path`` to answer ``status`` (a page, or an htmx request): not a console error."""
        self._expected_errors.add((f"{self.base_url}{path}", status))

    def _console(self, page, message):
        if message.type != "error" and "Content Security Policy" not in message.text:
            return
        location = message.location.get("url") or page.url
        if any(
            location == url
            and message.text.startswith(f"Failed to load resource: the server responded with a status of {status} ")
            for url, status in self._expected_errors
        ):
            return
        self.problems.append(f"{page.url}: console {message.type} ({location}): {message.text}")

    def admin_page(self, username, **options):
        """A new page signed in to the admin as ``username`` (a factory user: its password is the factories')."""
        page = self.new_page(**options)
        page.goto("/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("#user-tools")).to_contain_text(username)
        return page

    def signed_in_page(self, username, *, password=PASSWORD, next_path=None, **options):
        """A new page signed in as ``username`` through the site's login page (``options`` as ``new_page``).

        The password is the factories' unless given. With ``next_path``, the login goes on to that path
        and the page is there on return; without it, the page is wherever the site sends that user (their
        home; the password change after a one-time password). Either way the header says who is signed in.
        """
        page = self.new_page(**options)
        path = "/accounts/login/" + (f"?{urlencode({'next': next_path})}" if next_path else "")
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} did not answer 200"
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".site-header .account-name")).to_be_visible()
        if next_path:
            expect(page).to_have_url(f"{self.base_url}{next_path}")
        return page

    def assert_accessible(self, page, label=""):
        """axe-core on the page as it is now: zero violations."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self._axe_source)
        violations = page.evaluate(RUN_AXE)
        if violations:
            raise AssertionError(_describe_violations(page, label, violations))

    def assert_accessible_light_and_dark(self, page, label=""):
        """axe-core on the page in the light theme, then reloaded in the dark one.

        Reloaded, because the admin's links fade their colour in (transition: color 0.15s): checked at
        once after the switch, axe would measure a colour halfway between the themes.
        """
        self.assert_accessible(page, f"({label}, light)")
        page.emulate_media(color_scheme="dark")
        page.reload()
        self.assert_accessible(page, f"({label}, dark)")
        page.emulate_media(color_scheme="light")

    def assert_accessible_at_sizes(self, page, label, *, sizes=(DESKTOP, PHONE), reload=False, fits_width=True):
        """axe-core on the page at each of ``sizes`` (1280 and 390 px), light and dark, and no sideways
        scrolling at a phone's width; the page is left at the desktop size in the light scheme.

        The page is checked as it is (an htmx swap, an opened disclosure, a sheet shown once all stay),
        unless ``reload``: the admin fades its links' colours in, so an admin page is reloaded in each
        scheme (see ``assert_accessible_light_and_dark``). ``fits_width=False`` for the admin's phone
        layout, whose tables scroll sideways.
        """
        for viewport in sizes:
            page.set_viewport_size(viewport)
            if fits_width and viewport == PHONE:
                self.assert_fits_width(page)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                if reload:
                    page.reload()
                self.assert_accessible(page, f"({label}, {viewport['width']} px, {scheme})")
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(DESKTOP)

    def assert_fits_width(self, page):
        """No horizontal page scrolling at the current viewport width."""
        width = page.viewport_size["width"]
        measure = page.evaluate(MEASURE_OVERFLOW)
        assert measure["clientWidth"] == width, (
            f"{page.url}: the layout viewport is {measure['clientWidth']}px wide on a {width}px screen"
        )
        assert measure["scrollWidth"] <= width, (
            f"{page.url} scrolls sideways at {width}px: the page is {measure['scrollWidth']}px wide; "
            + "; ".join(measure["offenders"])
        )

    def check_page(self, path):
        """The page on a desktop and on phones, light and dark, then without JavaScript.

        It answers 200 with one non-empty <h1> and a "… · Sahel Learn" title, has no axe-core violation
        in either colour scheme at either size, has a dark colour scheme, does not scroll sideways at
        390 or 360 px, and renders the same heading with JavaScript off.
        """
        desktop = self.open(path, viewport=DESKTOP)
        heading = desktop.locator("h1")
        expect(heading).to_have_count(1)
        expect(heading).to_be_visible()
        title = heading.inner_text().strip()
        assert title, f"{path}: the <h1> is empty"
        assert desktop.title().endswith(" · Sahel Learn"), f"{path}: the <title> is {desktop.title()!r}"
        self.assert_fits_width(desktop)
        self.assert_accessible(desktop, "(desktop, light)")
        light_background = desktop.evaluate(BODY_BACKGROUND)
        desktop.emulate_media(color_scheme="dark")
        assert desktop.evaluate(BODY_BACKGROUND) != light_background, f"{path} has no dark colour scheme"
        self.assert_accessible(desktop, "(desktop, dark)")

        phone = self.open(path, viewport=PHONE, phone=True)
        self.assert_fits_width(phone)
        self.assert_accessible(phone, "(phone, light)")
        phone.emulate_media(color_scheme="dark")
        self.assert_accessible(phone, "(phone, dark)")
        phone.set_viewport_size(SMALL_PHONE)
        self.assert_fits_width(phone)

        without_javascript = self.open(path, viewport=DESKTOP, javascript=False)
        expect(without_javascript.locator("h1")).to_have_text(title)

    def save_screenshots(self, page, name, *, dark=False):
        """With ``SCREENSHOTS_DIR`` set, the page as it is now saved there as ``<name>-desktop.png`` and
        ``<name>-phone.png`` (with ``dark``: ``<name>-desktop-light.png``, ``-dark.png`` and the same for the
        phone); the page is left at the desktop size in the light scheme. Without it, nothing.
        """
        if not SCREENSHOTS_DIR:
            return
        folder = Path(SCREENSHOTS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            for scheme in ("light", "dark") if dark else ("light",):
                page.emulate_media(color_scheme=scheme)
                suffix = f"-{scheme}" if dark else ""
                # caret="initial": Playwright's default hides the caret with a <style> that the page's CSP refuses.
                page.screenshot(path=folder / f"{name}-{size}{suffix}.png", full_page=True, caret="initial")
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(DESKTOP)

    def screenshot_all(self, name):
        FAILURE_SCREENSHOTS_DIR.mkdir(exist_ok=True)
        saved = []
        for number, page in enumerate(self.pages, start=1):
            if page.is_closed():
                continue
            suffix = "" if len(self.pages) == 1 else f"-{number}"
            path = FAILURE_SCREENSHOTS_DIR / f"{name}{suffix}.png"
            page.screenshot(path=path, full_page=True)
            saved.append(str(path))
        return saved


def _describe_violations(page, label, violations):
    lines = [f"axe-core found {len(violations)} violation(s) on {page.url} {label}".rstrip() + ":"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}  {node['html']}\n      {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def browse(request, site, new_context, axe_source):
    """Pages on the live server; console errors and CSP violations fail the test, failures are screenshot."""
    browsing = Browsing(base_url=site, new_context=new_context, axe_source=axe_source)
    yield browsing
    reports = request.node.stash.get(_reports_key, {})
    failed = any(report.failed for report in reports.values())
    name = re.sub(r"[^\w.-]+", "-", f"{request.node.path.stem}-{request.node.name}").strip("-")
    if not (failed or browsing.problems):
        return
    saved = browsing.screenshot_all(name)
    request.node.add_report_section("teardown", "screenshots", "\n".join(saved))
    problems = "\n".join(f"- {problem}" for problem in browsing.problems)
    if failed:
        if problems:
            request.node.add_report_section("teardown", "browser errors", problems)
        return
    pytest.fail(
        f"The browser reported errors (console errors, page errors or CSP violations):\n{problems}", pytrace=False
    )
