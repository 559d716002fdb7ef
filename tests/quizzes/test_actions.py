"""Workflows: flagging questions when their content changes, publishing them back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.actions import change_reason, flag_questions_for_review, publish_questions
from quizzes.models import Question, QuestionSource, QuestionStatus, ReviewFlag
from tests import factories

pytestmark = pytest.mark.django_db


def _complete_question(**kwargs):
    """A single-answer question that passes every rule, made from a new leader."""
    question = factories.QuestionFactory(**kwargs)
    factories.AnswerOptionFactory(question=question, is_correct=True)
    factories.AnswerOptionFactory(question=question)
    factories.QuestionSourceFactory(question=question)
    return question


def _statuses(*questions):
    return [Question.objects.get(pk=question.pk).status for question in questions]


# -- flag_questions_for_review ------------------------------------------------------------------


def test_an_edit_to_an_item_flags_the_questions_made_from_it():
    source = factories.QuestionSourceFactory()
    other = factories.QuestionFactory()

    count = flag_questions_for_review(item=source.leader, reason="Leader changed: summary")

    assert count == 1
    assert _statuses(source.question, other) == [QuestionStatus.NEEDS_REVIEW, QuestionStatus.PUBLISHED]
    flag = ReviewFlag.objects.get()
    assert (flag.question, flag.reason, flag.source, flag.paragraph, flag.resolved_at) == (
        source.question,
        "Leader changed: summary",
        source,
        None,
        None,
    )
    assert list(Question.objects.usable()) == [other]


def test_an_edit_to_a_paragraph_flags_the_questions_citing_it():
    paragraph = factories.ParagraphFactory()
    citing = factories.QuestionFactory(citations=[paragraph])
    draft = factories.QuestionFactory(citations=[paragraph], status=QuestionStatus.DRAFT)
    other = factories.QuestionFactory()

    count = flag_questions_for_review(paragraph=paragraph, reason="Paragraph corrected")

    assert count == 2
    assert _statuses(citing, draft, other) == [
        QuestionStatus.NEEDS_REVIEW,
        QuestionStatus.NEEDS_REVIEW,
        QuestionStatus.PUBLISHED,
    ]
    assert sorted(ReviewFlag.objects.values_list("question_id", "paragraph_id", "source_id")) == [
        (citing.pk, paragraph.pk, None),
        (draft.pk, paragraph.pk, None),
    ]


def test_item_and_paragraph_together_flag_each_question_once():
    paragraph = factories.ParagraphFactory()
    source = factories.QuestionSourceFactory(question=factories.QuestionFactory(citations=[paragraph]))
    only_cites = factories.QuestionFactory(citations=[paragraph])

    count = flag_questions_for_review(item=source.leader, paragraph=paragraph, reason="Import")

    assert count == 2
    assert sorted(ReviewFlag.objects.values_list("question_id", "paragraph_id", "source_id")) == [
        (source.question.pk, paragraph.pk, source.pk),
        (only_cites.pk, paragraph.pk, None),
    ]


def test_a_question_flagged_twice_keeps_both_reasons():
    source = factories.QuestionSourceFactory()
    flag_questions_for_review(item=source.leader, reason="First change")

    flag_questions_for_review(item=source.leader, reason="Second change")

    assert sorted(source.question.review_flags.values_list("reason", flat=True)) == ["First change", "Second change"]
    statuses = [row.status for row in source.question.history.all()]
    assert (statuses[0], statuses.count("needs_review")) == ("needs_review", 1)


def test_flagging_records_the_reason_in_history():
    source = factories.QuestionSourceFactory()

    flag_questions_for_review(item=source.leader, reason="Leader “Leader 1” changed: summary")

    latest = source.question.history.first()
    assert (latest.status, latest.history_change_reason) == ("needs_review", "Leader “Leader 1” changed: summary")


def test_nothing_to_flag():
    assert flag_questions_for_review(item=factories.ConceptFactory(), reason="x") == 0
    assert ReviewFlag.objects.count() == 0


def test_flagging_needs_an_item_or_a_paragraph():
    with pytest.raises(ValueError, match="needs an item or a paragraph"):
        flag_questions_for_review(reason="x")


def _flag_queries(count):
    paragraph = factories.ParagraphFactory()
    for _ in range(count):
        factories.QuestionFactory(citations=[paragraph])
    with CaptureQueriesContext(connection) as queries:
        assert flag_questions_for_review(paragraph=paragraph, reason="x") == count
    return len(queries)


def test_flagging_takes_a_fixed_number_of_queries():
    assert _flag_queries(1) == _flag_queries(5)


def test_change_reason_names_the_item_and_fields():
    leader = factories.LeaderFactory(name="Assimi Goïta", rank="Colonel")

    assert change_reason(leader, ["summary", "power_year"]) == (
        "Leader “Colonel Assimi Goïta” changed: summary and year they came to power"
    )
    assert change_reason(leader, ["not_a_field"]) == "Leader “Colonel Assimi Goïta” changed"
    assert change_reason(leader) == "Leader “Colonel Assimi Goïta” changed"


# -- publish_questions --------------------------------------------------------------------------


def test_publishing_closes_the_flags_and_refreshes_the_fingerprints():
    editor = factories.editor()
    question = _complete_question()
    source = question.sources.get()
    source.leader.summary = "Rewritten."
    source.leader.save()
    flag_questions_for_review(item=source.leader, reason="Leader changed")
    assert source.is_stale() is True

    result = publish_questions(questions=Question.objects.filter(pk=question.pk), user=editor)

    assert (result.published, result.already_published, result.refused) == ([question], [], {})
    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED
    flag = question.review_flags.get()
    assert flag.resolved_by == editor
    assert flag.resolved_at is not None
    assert QuestionSource.objects.get(pk=source.pk).is_stale() is False
    latest = question.history.first()
    assert (latest.status, latest.history_change_reason) == ("published", "Published")


def test_publishing_refuses_an_incomplete_question_and_says_why():
    good = _complete_question(status=QuestionStatus.DRAFT)
    bare = factories.QuestionFactory(status=QuestionStatus.DRAFT, explanation="", citations=[])
    already = _complete_question()

    result = publish_questions(questions=Question.objects.all())

    assert result.published == [good]
    assert result.already_published == [already]
    assert result.refused == {
        bare: [
            "A published question needs an explanation, shown after answering.",
            "A single-answer question needs at least two options.",
            "A single-answer question needs exactly one right option.",
            "A published question needs at least one cited paragraph.",
        ]
    }
    assert _statuses(good, bare, already) == [QuestionStatus.PUBLISHED, QuestionStatus.DRAFT, QuestionStatus.PUBLISHED]


def test_publishing_nothing_publishable_changes_nothing():
    bare = factories.QuestionFactory(status=QuestionStatus.NEEDS_REVIEW, citations=[])
    factories.ReviewFlagFactory(question=bare)

    result = publish_questions(questions=Question.objects.all())

    assert list(result.refused) == [bare]
    assert bare.review_flags.get().resolved_at is None


def _publish_queries(count):
    for _ in range(count):
        question = _complete_question(status=QuestionStatus.NEEDS_REVIEW)
        factories.QuestionSourceFactory(question=question, leader=None, concept=factories.ConceptFactory())
        factories.ReviewFlagFactory(question=question)
    with CaptureQueriesContext(connection) as queries:
        result = publish_questions(questions=Question.objects.needs_review())
    assert len(result.published) == count
    return len(queries)


def test_publishing_takes_a_fixed_number_of_queries():
    assert _publish_queries(1) == _publish_queries(4)
