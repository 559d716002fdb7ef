"""manage.py generate_questions and import_questions."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from briefings.actions import import_briefing
from quizzes.models import Question, QuestionStatus

pytestmark = pytest.mark.django_db

SHIPPED = settings.BASE_DIR / "quizzes" / "content" / "questions.yaml"


@pytest.fixture
def imported(article_path, pack_dir):
    return import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)


def test_generate_questions_prints_its_report_and_a_second_run_changes_nothing(imported, capsys):
    call_command("generate_questions")
    count = Question.objects.count()
    first = capsys.readouterr().out
    call_command("generate_questions")
    second = capsys.readouterr().out

    assert first == (
        f"Questions: {count} created, 0 updated, 0 unchanged, 0 skipped (changed by an editor), "
        "0 no longer made from the content.\n"
    )
    assert second == (
        f"Questions: 0 created, 0 updated, {count} unchanged, 0 skipped (changed by an editor), "
        "0 no longer made from the content.\n"
    )


def test_generate_questions_for_one_item(imported, capsys):
    call_command("generate_questions", "--item", "timelineevent:aes-confederation")

    assert sorted(Question.objects.values_list("generator_key", flat=True)) == [
        "event-date:aes-confederation",
        "order-events:alliance-of-sahel-states",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("leader", "--item 'leader': write MODEL:SLUG, MODEL one of actor, concept, country"),
        ("ruler:goita", "--item 'ruler:goita': write MODEL:SLUG"),
        ("leader:nobody", "--item 'leader:nobody': there is no leader “nobody”."),
    ],
)
def test_generate_questions_with_a_bad_item_is_a_clear_error_and_writes_nothing(imported, value, message):
    with pytest.raises(CommandError) as error:
        call_command("generate_questions", "--item", value)
    assert str(error.value).startswith(message)
    assert Question.objects.count() == 0


def test_import_questions_publishes_the_shipped_reviewed_questions_once(imported, capsys):
    call_command("import_questions", SHIPPED)
    out = capsys.readouterr().out
    published = Question.objects.published().count()
    call_command("import_questions", SHIPPED)
    again = capsys.readouterr().out

    assert published >= 100
    assert out.endswith(
        f"Reviewed: {published} reviewed questions published, 0 already published, 0 left to the editors, "
        "0 differ from their review, 0 no longer generated.\n"
    )
    assert again.endswith(
        f"Reviewed: 0 reviewed questions published, {published} already published, 0 left to the editors, "
        "0 differ from their review, 0 no longer generated.\n"
    )
    assert (
        Question.objects.exclude(status=QuestionStatus.PUBLISHED).filter(status=QuestionStatus.NEEDS_REVIEW).count()
        == 0
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "no such file"),
        ("key: [", "is not valid YAML"),
        ("{}", "must be a non-empty list of reviewed questions"),
        ("- just text", "entry 1: each entry is a mapping with a key"),
        ("- key: a\n  prompt: b\n", "entry 1: unknown fields none, missing fields ['answer', 'explanation', 'cites']"),
        (
            "- {key: a, prompt: b, answer: c, explanation: d, cites: [], status: published}\n",
            "entry 1: unknown fields ['status'], missing fields none",
        ),
        (
            "- {key: a, prompt: b, answer: c, explanation: d, cites: []}\n"
            "- {key: a, prompt: b, answer: c, explanation: d, cites: []}\n",
            "entry 2: a appears twice",
        ),
    ],
)
def test_import_questions_with_a_bad_file_is_a_clear_error_and_writes_nothing(imported, tmp_path, text, message):
    path = tmp_path / "questions.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("import_questions", path)

    assert str(error.value).startswith("Nothing was written.")
    assert message in str(error.value)
    assert Question.objects.count() == 0


def test_import_questions_with_a_binary_file_is_a_clear_error(imported, tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_questions", path)


def test_import_questions_reports_a_question_that_is_no_longer_what_was_reviewed(imported, tmp_path, capsys):
    import yaml

    from quizzes.actions import read_reviewed_questions

    records = read_reviewed_questions(SHIPPED)[:2]
    records[0] = {**records[0], "answer": "Chad"}
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")

    call_command("import_questions", path, verbosity=2)
    out = capsys.readouterr().out

    key = records[0]["key"]
    assert f"{key} is not the question that was reviewed (its content changed): not published." in out
    assert yaml.safe_load(out[out.index("- key:") : out.index("Questions:")])[0]["key"] == key
    assert list(Question.objects.published().values_list("generator_key", flat=True)) == [records[1]["key"]]
