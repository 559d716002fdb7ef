"""A quiz's item analysis as a trainer sees it, sorted by a column with the keyboard-free plain links, and the
question bank's analysis flags in the admin: axe-core at 1280 and 390 px, light and dark, no CSP violation.

With ``SCREENSHOTS_DIR`` set, the pages are also saved there as analysis-*.png.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import cohort_of, editor, trainer
from tests.quizzes.analysis_helpers import worked_example

from .conftest import DESKTOP


@pytest.fixture(scope="module")
def example(site, django_db_blocker):
    """The example worked by hand in tests/quizzes/analysis_helpers.py, its five students in the trainer's
    class (a trainer's analysis is over their own classes' students), and an editor, committed."""
    with django_db_blocker.unblock():
        tessa = trainer(username="tessa")
        editor(username="edna")
        made = worked_example()
        cohort_of(tessa, students=made["users"])
        return {"slug": made["quiz"].slug, "q2": made["questions"][1].pk}


def test_a_trainer_reads_and_sorts_the_analysis(browse, example):
    path = f"/quizzes/{example['slug']}/analysis/"
    page = browse.signed_in_page("tessa", next_path=path)
    expect(page.locator("h1")).to_contain_text("Item analysis")
    expect(page.locator(".analysis-questions tbody tr")).to_have_count(3)
    expect(page.locator(".analysis-summary")).to_contain_text("15 %")  # Cronbach's alpha, worked by hand
    expect(page.locator(".analysis-bar")).to_have_count(9)
    browse.assert_accessible_at_sizes(page, "page")
    browse.save_screenshots(page, "analysis-page", dark=True)
    page.get_by_role("link", name="Discrimination index").click()
    expect(page).to_have_url(re.compile(r"\?sort=discrimination_index$"))
    expect(page.locator(".analysis-questions tbody tr").first).to_contain_text("Q2")
    expect(page.locator('th[aria-sort="ascending"]')).to_have_text("Discrimination index")
    page.get_by_role("link", name="Discrimination index").click()
    expect(page.locator('th[aria-sort="descending"]')).to_have_text("Discrimination index")
    page.get_by_role("link", name="All attempts").click()
    expect(page.locator(".analysis-summary tbody tr").first).to_contain_text("6")


def test_the_page_works_without_javascript(browse, example):
    path = f"/quizzes/{example['slug']}/analysis/"
    page = browse.signed_in_page("tessa", next_path=path, javascript=False)
    page.get_by_role("link", name="Facility").click()
    expect(page).to_have_url(re.compile(r"\?sort=facility$"))
    expect(page.locator(".analysis-questions tbody tr").first).to_contain_text("Q3")


def test_editors_see_the_flags_in_the_admin(browse, example):
    page = browse.admin_page("edna")
    assert page.goto("/admin/quizzes/question/?item_flag=negative").status == 200
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Negative discrimination")
    browse.assert_accessible_at_sizes(page, "admin list", reload=True, fits_width=False)
    browse.save_screenshots(page, "analysis-admin-list", dark=True)
    assert page.goto(f"/admin/quizzes/question/{example['q2']}/change/").status == 200
    expect(page.locator(".item-statistics")).to_contain_text("-42.86 %")
    # At desktop width only, as tests/browser/test_question_admin.py: at 390 px Django's tabular inlines
    # (the review flags' table, not the statistics) scroll sideways without a focusable element.
    browse.assert_accessible_at_sizes(page, "admin change form", sizes=(DESKTOP,), reload=True)
    browse.save_screenshots(page, "analysis-admin-change", dark=True)
