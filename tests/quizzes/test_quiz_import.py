"""The shipped quizzes (quizzes/content/quizzes.yaml) and manage.py import_quizzes."""

import datetime
import textwrap
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from briefings.actions import import_briefing
from briefings.models import Section, SectionKind
from quizzes import actions
from quizzes.models import FeedbackMode, Question, QuestionType, Quiz, QuizQuestion, QuizRule, QuizStatus
from tests import factories

pytestmark = pytest.mark.django_db

QUESTIONS = settings.BASE_DIR / "quizzes" / "content" / "questions.yaml"
QUIZZES = settings.BASE_DIR / "quizzes" / "content" / "quizzes.yaml"
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def shipped(article_path, pack_dir):
    """The article, its reviewed questions and the shipped quizzes, as ``make run`` installs them."""
    import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)
    actions.publish_reviewed_questions(path=QUESTIONS)
    return actions.import_quizzes(path=QUIZZES)


def _rows():
    """Every quiz, fixed question and rule as stored, to compare before and after an import."""
    return (
        list(Quiz.objects.order_by("pk").values()),
        list(QuizQuestion.objects.order_by("pk").values()),
        list(QuizRule.objects.order_by("pk").values()),
    )


# -- the shipped file on the real content ------------------------------------------------------------


def test_the_shipped_quizzes_are_created_published_and_each_has_questions(shipped):
    body = list(Section.objects.filter(kind=SectionKind.BODY).order_by("number"))
    section_quizzes = {
        section.slug: Quiz.objects.get(import_key=section.slug).draw_pool().most_questions() for section in body
    }
    usable = Question.objects.usable()

    assert len(shipped.created) == Quiz.objects.count() == len(body) + 2
    assert (shipped.updated, shipped.unchanged, shipped.left_alone, shipped.slug_taken) == ([], [], [], [])
    assert set(Quiz.objects.values_list("status", flat=True)) == {QuizStatus.PUBLISHED}
    # One quiz per body section, drawing up to ten of the published questions citing it.
    assert section_quizzes == {section.slug: min(10, usable.filter(sections=section).count()) for section in body}
    assert min(section_quizzes.values()) >= 5
    for section in body:
        quiz = Quiz.objects.get(import_key=section.slug)
        assert [(rule.section, rule.count, rule.topic, rule.qtype) for rule in quiz.rules.all()] == [
            (section, 10, "", "")
        ]
        assert (quiz.shuffle_questions, quiz.attempts_allowed, quiz.feedback_mode) == (True, 0, FeedbackMode.DEFERRED)
    whole = Quiz.objects.get(import_key="the-whole-article")
    assert [rule.section.slug for rule in whole.rules.all()] == [section.slug for section in body]
    assert (whole.draw_pool().most_questions(), whole.attempts_allowed, whole.pass_mark) == (20, 3, Decimal(60))
    kinds = Quiz.objects.get(import_key="fact-or-analysis")
    pool = kinds.draw_pool()
    assert (kinds.certainty_based, kinds.feedback_mode, pool.most_questions()) == (True, FeedbackMode.IMMEDIATE, 12)
    assert {question.qtype for _rule, candidates in pool.rules for question in candidates} == {
        QuestionType.STATEMENT_KIND
    }


def test_a_student_can_start_every_shipped_quiz(shipped):
    student = factories.student()
    for quiz in Quiz.objects.order_by("pk"):
        attempt = actions.start_attempt(quiz=quiz, user=student, now=NOW)
        assert attempt.slots.count() == quiz.draw_pool().most_questions(), quiz.slug
        assert {slot.question.status for slot in attempt.slots.select_related("question")} == {"published"}


def test_the_descriptions_are_plain_text_and_every_title_is_unique(shipped):
    quizzes = list(Quiz.objects.all())
    assert len({quiz.title for quiz in quizzes}) == len(quizzes)
    for quiz in quizzes:
        assert quiz.description.strip() and "<" not in quiz.description and "  " not in quiz.description


# -- idempotency, and an editor's changes ------------------------------------------------------------


def test_a_second_import_changes_nothing(shipped, capsys):
    before = _rows()

    call_command("import_quizzes", QUIZZES)

    assert capsys.readouterr().out == (
        "Quizzes: 0 created, 0 updated, 12 unchanged, 0 left alone (changed by an editor), "
        "0 not imported (slug taken).\n"
    )
    assert _rows() == before


def test_an_editor_s_changes_survive_a_re_import_and_an_untouched_quiz_follows_the_file(shipped, tmp_path, capsys):
    renamed = Quiz.objects.get(import_key="the-wagner-transition")
    renamed.slug, renamed.attempts_allowed = "wagner", 2
    renamed.save()
    unpublished = Quiz.objects.get(import_key="the-ecowas-rupture")
    unpublished.status = QuizStatus.DRAFT
    unpublished.save()
    fewer = Quiz.objects.get(import_key="the-jihadist-paradox")
    fewer.rules.update(count=3)
    records = yaml.safe_load(QUIZZES.read_text(encoding="utf-8"))
    for record in records:
        if record["slug"] in (
            "the-wagner-transition",
            "the-ecowas-rupture",
            "the-jihadist-paradox",
            "alternative-paths",
        ):
            record["draw"][0]["count"] = 7
    path = tmp_path / "quizzes.yaml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")

    call_command("import_quizzes", path)

    assert capsys.readouterr().out == (
        "Left alone “the-wagner-transition”: an editor changed it since it was imported.\n"
        "Left alone “the-jihadist-paradox”: an editor changed it since it was imported.\n"
        "Left alone “the-ecowas-rupture”: an editor changed it since it was imported.\n"
        "Quizzes: 0 created, 1 updated, 8 unchanged, 3 left alone (changed by an editor), "
        "0 not imported (slug taken).\n"
    )
    wagner = Quiz.objects.get(import_key="the-wagner-transition")
    assert (wagner.slug, wagner.attempts_allowed, wagner.rules.get().count) == ("wagner", 2, 10)
    assert Quiz.objects.get(import_key="the-ecowas-rupture").status == QuizStatus.DRAFT
    assert Quiz.objects.get(import_key="the-jihadist-paradox").rules.get().count == 3
    assert Quiz.objects.get(import_key="alternative-paths").rules.get().count == 7
    assert Quiz.objects.count() == 12


def test_the_import_reports_who_it_left_alone_in_file_order(shipped, capsys):
    for key in ("the-ecowas-rupture", "the-wagner-transition"):
        Quiz.objects.filter(import_key=key).update(description="Changed by an editor.")

    call_command("import_quizzes", QUIZZES)

    assert capsys.readouterr().out == (
        "Left alone “the-wagner-transition”: an editor changed it since it was imported.\n"
        "Left alone “the-ecowas-rupture”: an editor changed it since it was imported.\n"
        "Quizzes: 0 created, 0 updated, 10 unchanged, 2 left alone (changed by an editor), "
        "0 not imported (slug taken).\n"
    )
    assert set(Quiz.objects.filter(description="Changed by an editor.").values_list("import_key", flat=True)) == {
        "the-ecowas-rupture",
        "the-wagner-transition",
    }


def test_a_quiz_whose_slug_an_editor_took_is_not_imported(article_path, pack_dir, capsys):
    import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)
    actions.publish_reviewed_questions(path=QUESTIONS)
    mine = factories.QuizFactory(slug="fact-or-analysis", title="My own")

    call_command("import_quizzes", QUIZZES)

    out = capsys.readouterr().out
    assert out.startswith("Not imported “fact-or-analysis”: another quiz has this slug.\n")
    assert out.endswith(
        "11 created, 0 updated, 0 unchanged, 0 left alone (changed by an editor), 1 not imported (slug taken).\n"
    )
    assert Quiz.objects.get(slug="fact-or-analysis") == mine
    assert mine.rules.count() == 0


# -- the format ----------------------------------------------------------------------------------------------


def _write(tmp_path, text):
    path = tmp_path / "quizzes.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_fixed_questions_by_key_with_their_marks(tmp_path):
    first = factories.QuestionFactory(generator_key="leader-country:assimi-goita")
    second = factories.QuestionFactory(generator_key="leader-rank:assimi-goita")
    path = _write(
        tmp_path,
        """\
        - slug: goita
          title: Goïta
          settings: {time_limit: "00:10:00", navigation: sequential}
          questions:
          - leader-country:assimi-goita
          - {key: leader-rank:assimi-goita, marks: 2.5}
        """,
    )

    report = actions.import_quizzes(path=path)

    quiz = Quiz.objects.get()
    assert report.created == [quiz]
    assert (quiz.slug, quiz.import_key, quiz.title, quiz.status) == ("goita", "goita", "Goïta", QuizStatus.PUBLISHED)
    assert (quiz.time_limit, quiz.navigation, quiz.shuffle_options, quiz.review_later_answer) == (
        datetime.timedelta(minutes=10),
        "sequential",
        True,
        True,
    )
    assert [(row.question, row.position, row.marks) for row in quiz.quiz_questions.all()] == [
        (first, 1, Decimal("1.00")),
        (second, 2, Decimal("2.50")),
    ]
    assert actions.import_quizzes(path=path).unchanged == [quiz]


GOOD = """\
- slug: one
  title: One
  settings:
    attempts_allowed: 3
  draw:
  - {count: 2, topic: leaders}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- slug: one\n  title: One: two\n", "line 2: invalid YAML: mapping values are not allowed here"),
        ("", "line 1: the file must list at least one quiz"),
        ("- slug: one\n  title: One\n", "line 1: the quiz “one” needs “questions”, “draw” rules, or both"),
        (GOOD + "  colour: blue\n", "line 1: unknown field(s): colour"),
        (GOOD.replace("attempts_allowed: 3", "attempts: 3"), "line 4: unknown setting(s): attempts"),
        (GOOD.replace("attempts_allowed: 3", "feedback_mode: sometimes"), "line 4: feedback_mode: Select a valid"),
        (GOOD.replace("attempts_allowed: 3", "attempts_allowed: -1"), "line 4: attempts_allowed: Ensure this value"),
        (GOOD.replace("attempts_allowed: 3", "shuffle_questions: 1"), "line 4: shuffle_questions: must be true or"),
        (GOOD.replace("attempts_allowed: 3", "allow_retry: true"), "line 4: allow_retry: A retry needs immediate"),
        (GOOD.replace("title: One", "title: ''"), "line 1: title: This field is required."),
        (GOOD.replace("slug: one", "slug: Not a slug"), "line 1: slug: Enter a valid “slug”"),
        (GOOD + GOOD, "line 7: the slug “one” appears twice"),
        (GOOD.replace("count: 2", "count: 0"), "line 6: count: Ensure this value is greater than or equal to 1."),
        (GOOD.replace("topic: leaders", "type: essay"), "line 6: type: Select a valid choice."),
        (GOOD.replace("topic: leaders", "colour: red"), "line 6: unknown field(s): colour"),
        (GOOD.replace("topic: leaders", "section: nowhere"), "line 6: the article has no section “nowhere”"),
        (GOOD + "  questions:\n  - {key: x:y, marks: 0}\n", "line 8: marks: Ensure this value is greater than"),
        (GOOD + "  questions:\n  - a:b\n  - nobody:x\n", "line 8: no question has the key “a:b”"),
        (GOOD + "  questions:\n  - [a, b]\n", "line 1: questions: each is a question's key"),
        (GOOD + "  questions:\n  - q:one\n  - q:one\n", "line 9: the question “q:one” appears twice"),
    ],
)
def test_a_bad_file_is_an_error_naming_file_and_line_and_writes_nothing(tmp_path, text, message):
    factories.QuestionFactory(generator_key="q:one")
    path = _write(tmp_path, text)

    with pytest.raises(CommandError) as error:
        call_command("import_quizzes", path)

    assert str(error.value).startswith(f"Nothing was written. {path}, {message}")
    assert Quiz.objects.count() == QuizRule.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="the file does not exist"):
        call_command("import_quizzes", tmp_path / "nothing.yaml")


def test_every_shipped_quiz_can_be_taken_to_the_end_on_its_pages_and_scores_full_marks(shipped, client):
    """On the real content: every question page of every shipped quiz renders, and right answers score 100%."""
    from django.utils import timezone

    from .attempt_helpers import right_answer, slots_of

    student = factories.student()
    client.force_login(student)
    for quiz in Quiz.objects.order_by("pk"):
        assert client.get(f"/quizzes/{quiz.slug}/").status_code == 200, quiz.slug
        attempt = actions.start_attempt(quiz=quiz, user=student, now=timezone.now())
        for slot in slots_of(attempt):
            page = client.get(f"/attempts/{attempt.pk}/", {"q": slot.position})
            assert page.status_code == 200, (quiz.slug, slot.question.generator_key)
            actions.save_response(
                attempt=attempt,
                slot=slot,
                answer=right_answer(slot),
                now=timezone.now(),
                certainty=3 if quiz.certainty_based else None,
            )
        assert client.get(f"/attempts/{attempt.pk}/summary/").status_code == 200
        submitted = actions.submit_attempt(attempt=attempt, now=timezone.now())
        assert submitted.percent == Decimal(100), quiz.slug
        assert client.get(f"/attempts/{attempt.pk}/review/").status_code == 200, quiz.slug
