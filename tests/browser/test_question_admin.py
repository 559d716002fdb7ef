"""The question bank's admin as an editor sees it: the list, the add form, each type's change form with its
preview, and a history page, accessible in the light and the dark theme, with no CSP violation."""

import pytest
from playwright.sync_api import expect

from quizzes.models import QuestionType
from tests.factories import editor, question_of_each_type


@pytest.fixture(scope="module")
def bank(site, django_db_blocker):
    """An editor and one question of each type, committed so that the server thread sees them."""
    with django_db_blocker.unblock():
        editor(username="quinn")
        return {qtype: question.pk for qtype, question in question_of_each_type().items()}


@pytest.fixture
def signed_in(browse, bank):
    return browse.admin_page("quinn")


def test_question_list_add_form_and_history(browse, signed_in, bank):
    page = signed_in
    assert page.goto("/admin/quizzes/question/").status == 200
    expect(page.locator("#result_list tbody tr")).to_have_count(len(QuestionType.values))
    browse.assert_accessible_light_and_dark(page, "question list")
    assert page.goto("/admin/quizzes/question/add/").status == 200
    browse.assert_accessible_light_and_dark(page, "question add form")
    assert page.goto(f"/admin/quizzes/question/{bank['single']}/history/").status == 200
    browse.assert_accessible_light_and_dark(page, "question history")


@pytest.mark.parametrize("qtype", QuestionType.values)
def test_question_change_form_with_its_preview(browse, signed_in, bank, qtype):
    page = signed_in
    assert page.goto(f"/admin/quizzes/question/{bank[qtype]}/change/").status == 200
    expect(page.locator(".question-preview h3")).to_be_visible()
    browse.assert_accessible_light_and_dark(page, f"{qtype} question")
