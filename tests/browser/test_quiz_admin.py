"""The quizzes' admin as an editor sees it: the list, the add form and a change form with its inlines and its
preview of what an attempt may draw, accessible on a desktop and a 390 px phone, light and dark."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from quizzes import actions
from quizzes.models import Quiz
from tests.factories import QuizQuestionFactory, editor, question_of_each_type

from .conftest import DESKTOP, PHONE

QUIZZES = settings.BASE_DIR / "quizzes" / "content" / "quizzes.yaml"
QUESTIONS = settings.BASE_DIR / "quizzes" / "content" / "questions.yaml"


@pytest.fixture(scope="module")
def quizzes(site, django_db_blocker):
    """An editor, the shipped questions and quizzes, and one quiz with a fixed list too, committed for the server."""
    with django_db_blocker.unblock():
        editor(username="quinn")
        actions.publish_reviewed_questions(path=QUESTIONS)
        actions.import_quizzes(path=QUIZZES)
        mixed = Quiz.objects.get(import_key="fact-or-analysis")
        for position, question in enumerate(question_of_each_type().values(), start=1):
            QuizQuestionFactory(quiz=mixed, question=question, position=position)
        return {"whole": Quiz.objects.get(import_key="the-whole-article").pk, "mixed": mixed.pk}


def _signed_in(browse, viewport):
    return browse.admin_page("quinn", viewport=viewport, phone=viewport == PHONE)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_quiz_list_and_add_form(browse, quizzes, viewport):
    page = _signed_in(browse, viewport)
    assert page.goto("/admin/quizzes/quiz/").status == 200
    expect(page.locator("#result_list tbody tr")).to_have_count(12)
    browse.assert_fits_width(page)
    browse.assert_accessible_light_and_dark(page, "quiz list")
    assert page.goto("/admin/quizzes/quiz/?availability=open").status == 200
    expect(page.locator("#result_list tbody tr")).to_have_count(12)
    assert page.goto("/admin/quizzes/quiz/add/").status == 200
    browse.assert_accessible_light_and_dark(page, "quiz add form")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("quiz", ["whole", "mixed"])
def test_quiz_change_form_with_its_inlines_and_draw_preview(browse, quizzes, viewport, quiz):
    page = _signed_in(browse, viewport)
    assert page.goto(f"/admin/quizzes/quiz/{quizzes[quiz]}/change/").status == 200
    expect(page.locator(".draw-preview")).to_be_visible()
    browse.assert_fits_width(page)
    browse.assert_accessible_light_and_dark(page, f"{quiz} quiz change form")
    # A new row of each inline is named too (inlines.js copies the empty form).
    for group in ("#quiz_questions-group", "#rules-group"):
        page.locator(f"{group} .add-row a").click()
    browse.assert_accessible(page, f"({quiz} quiz change form, rows added)")


def test_the_question_select_of_the_fixed_list_is_named_by_its_column_and_row(browse, quizzes):
    page = _signed_in(browse, DESKTOP)
    page.goto(f"/admin/quizzes/quiz/{quizzes['mixed']}/change/")
    expect(page.get_by_role("spinbutton", name="Position, question 1", exact=True)).to_have_count(1)
    expect(page.get_by_role("spinbutton", name="Number of questions, rule 1", exact=True)).to_have_count(1)
    combobox = page.locator("#quiz_questions-group .select2-selection--single").first
    expect(combobox).to_have_accessible_name("Question, question 1 Who leads Mali?")
