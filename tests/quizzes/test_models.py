"""The question bank's models: validation per type, database constraints, querysets, sources, fingerprints."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from briefings.models import StatementKind
from quizzes import grading
from quizzes.models import (
    AnswerOption,
    Question,
    QuestionSource,
    QuestionStatus,
    QuestionType,
    Topic,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _option(text="", *, right=False, position=0, match="", kind=""):
    return AnswerOption(text=text, is_correct=right, position=position, match=match, kind=kind)


def _errors(qtype, options, **fields):
    return [str(message) for message in Question(qtype=qtype, **fields).option_errors(options)]


# -- option rules per type ----------------------------------------------------------------------


def test_single_answer_needs_exactly_one_right_option():
    assert _errors(QuestionType.SINGLE, [_option("A", right=True, position=1), _option("B", position=2)]) == []
    assert _errors(QuestionType.SINGLE, [_option("A", position=1), _option("B", position=2)]) == [
        "A single-answer question needs exactly one right option."
    ]
    assert _errors(QuestionType.SINGLE, [_option("A", right=True, position=1), _option("B", right=True)]) == [
        "A single-answer question needs exactly one right option."
    ]
    assert _errors(QuestionType.SINGLE, [_option("A", right=True)]) == [
        "A single-answer question needs at least two options."
    ]


def test_multiple_answer_needs_a_right_option():
    assert _errors(QuestionType.MULTIPLE, [_option("A", right=True), _option("B", right=True)]) == []
    assert _errors(QuestionType.MULTIPLE, [_option("A"), _option("B")]) == [
        "A multiple-answer question needs at least one right option."
    ]


def test_true_false_has_exactly_two_options():
    assert _errors(QuestionType.TRUE_FALSE, [_option("True", right=True), _option("False")]) == []
    assert _errors(QuestionType.TRUE_FALSE, [_option("True", right=True), _option("False"), _option("Maybe")]) == [
        "A true-or-false question has exactly two options."
    ]
    assert _errors(QuestionType.TRUE_FALSE, [_option("True"), _option("False")]) == [
        "A true-or-false question needs exactly one right option."
    ]


def test_which_kind_has_one_option_per_kind_and_the_right_one_is_the_kind_tested():
    good = [_option(kind="fact"), _option(kind="analysis", right=True), _option(kind="claim")]

    assert _errors(QuestionType.STATEMENT_KIND, good, kind=StatementKind.ANALYSIS) == []
    assert _errors(QuestionType.STATEMENT_KIND, good, kind=StatementKind.FACT) == [
        "The right option of a which-kind question is the kind of statement it tests."
    ]
    assert _errors(QuestionType.STATEMENT_KIND, good[:2], kind=StatementKind.ANALYSIS) == [
        "A which-kind question has one option for each kind of statement, and no other."
    ]


def test_ordering_needs_three_items_in_distinct_positions():
    items = [_option("A", position=1), _option("B", position=2), _option("C", position=3)]

    assert _errors(QuestionType.ORDERING, items) == []
    assert _errors(QuestionType.ORDERING, items[:2]) == ["An ordering question needs at least three items."]
    assert _errors(QuestionType.ORDERING, [*items[:2], _option("C", position=2)]) == [
        "Each item of an ordering question needs its own position."
    ]


def test_matching_needs_two_pairs_each_with_its_match():
    pairs = [_option("Goïta", match="Mali"), _option("Traoré", match="Burkina Faso"), _option(match="Chad")]

    assert _errors(QuestionType.MATCHING, pairs) == []
    assert _errors(QuestionType.MATCHING, [pairs[0], pairs[2]]) == ["A matching question needs at least two pairs."]
    assert _errors(QuestionType.MATCHING, [*pairs[:2], _option("Tiani")]) == [
        "Every row of a matching question needs its match."
    ]


def test_short_answer_needs_an_accepted_answer_and_distinct_folded_variants():
    assert _errors(QuestionType.SHORT_ANSWER, [_option("Goïta", right=True), _option("Traoré")]) == []
    assert _errors(QuestionType.SHORT_ANSWER, [_option("Traoré")]) == [
        "A short-answer question needs at least one accepted answer."
    ]
    assert _errors(QuestionType.SHORT_ANSWER, [_option("Goïta", right=True), _option("GOITA", right=True)]) == [
        "Two answers of this short-answer question are the same once case and accents are ignored."
    ]
    assert _errors(QuestionType.SHORT_ANSWER, [_option("Goïta", right=True), _option("—", match="x")]) == [
        "An answer of a short-answer question must contain letters or digits."
    ]


def test_numeric_has_no_options():
    assert _errors(QuestionType.NUMERIC, []) == []
    assert _errors(QuestionType.NUMERIC, [_option("1486")]) == [
        "A numeric question has no options: its answer is the numeric answer."
    ]


def test_choice_options_need_text():
    assert _errors(QuestionType.MULTIPLE, [_option("A", right=True), _option(match="x")]) == [
        "Every option needs its text."
    ]


# -- the question's own row: clean() and constraints --------------------------------------------


def test_clean_numeric_needs_a_value_and_a_non_negative_tolerance():
    question = Question(qtype=QuestionType.NUMERIC, prompt="How many?", topic=Topic.FIGURES)

    with pytest.raises(ValidationError) as error:
        question.clean()
    assert error.value.message_dict == {
        "numeric_answer": ["A numeric question needs its answer."],
        "tolerance": ["A numeric question needs a tolerance (0 for an exact answer)."],
    }

    question.numeric_answer, question.tolerance = Decimal("1486"), Decimal("-1")
    with pytest.raises(ValidationError) as error:
        question.clean()
    assert error.value.message_dict == {"tolerance": ["The tolerance cannot be negative."]}

    question.tolerance = Decimal("0")
    question.clean()


def test_clean_which_kind_needs_its_statement_and_published_needs_an_explanation():
    question = Question(
        qtype=QuestionType.STATEMENT_KIND, prompt="Which kind?", topic=Topic.ARGUMENTS, status=QuestionStatus.PUBLISHED
    )

    with pytest.raises(ValidationError) as error:
        question.clean()
    assert error.value.message_dict == {
        "statement": ["A which-kind question needs the sentence to classify."],
        "explanation": ["A published question needs an explanation, shown after answering."],
    }


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"qtype": QuestionType.NUMERIC, "tolerance": Decimal("1")}, "question_numeric_has_value_and_tolerance"),
        (
            {"qtype": QuestionType.NUMERIC, "numeric_answer": Decimal("1"), "tolerance": Decimal("-0.5")},
            "question_tolerance_not_negative",
        ),
        ({"qtype": QuestionType.STATEMENT_KIND, "statement": ""}, "question_statement_kind_has_statement"),
        ({"status": QuestionStatus.PUBLISHED, "explanation": ""}, "question_published_has_explanation"),
        ({"prompt": ""}, "question_has_prompt"),
    ],
)
def test_database_refuses_an_invalid_question(fields, constraint):
    values = {"qtype": QuestionType.SINGLE, "prompt": "Who?", "topic": Topic.LEADERS, "explanation": "Because."}
    values.update(fields)

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Question.objects.create(**values)


def test_database_refuses_two_options_at_one_position_and_two_of_one_kind():
    question = factories.QuestionFactory()
    factories.AnswerOptionFactory(question=question, position=1, kind=StatementKind.FACT)

    with (
        pytest.raises(IntegrityError, match=r"answeroption_unique_position|quizzes_answeroption\.position"),
        transaction.atomic(),
    ):
        factories.AnswerOptionFactory(question=question, position=1)
    with (
        pytest.raises(IntegrityError, match=r"answeroption_unique_kind|quizzes_answeroption\.kind"),
        transaction.atomic(),
    ):
        factories.AnswerOptionFactory(question=question, position=2, kind=StatementKind.FACT)
    with pytest.raises(IntegrityError, match="answeroption_not_empty"), transaction.atomic():
        factories.AnswerOptionFactory(question=question, position=3, text="")


def test_check_complete_reads_the_saved_options_and_citations():
    question = factories.QuestionFactory(status=QuestionStatus.DRAFT, citations=[])
    factories.AnswerOptionFactory(question=question, is_correct=True)

    with pytest.raises(ValidationError) as error:
        question.check_complete(status=QuestionStatus.PUBLISHED)

    assert error.value.messages == [
        "A single-answer question needs at least two options.",
        "A published question needs at least one cited paragraph.",
    ]
    assert question.status == QuestionStatus.DRAFT

    factories.AnswerOptionFactory(question=question)
    question.citations.add(factories.ParagraphFactory())
    question.check_complete(status=QuestionStatus.PUBLISHED)


def test_which_kind_needs_a_cited_paragraph_even_as_a_draft():
    question = Question(qtype=QuestionType.STATEMENT_KIND, status=QuestionStatus.DRAFT)

    assert [str(m) for m in question.citation_errors([])] == [
        "A which-kind question needs the cited paragraph its sentence comes from."
    ]
    assert question.citation_errors([factories.ParagraphFactory()]) == []
    assert Question(qtype=QuestionType.SINGLE, status=QuestionStatus.DRAFT).citation_errors([]) == []


def test_option_label_is_the_kind_name_for_which_kind_options():
    assert _option(kind="claim").label == "Attributed claim"
    assert _option("True").label == "True"


# -- querysets ----------------------------------------------------------------------------------


def test_status_querysets():
    published = factories.QuestionFactory()
    draft = factories.QuestionFactory(status=QuestionStatus.DRAFT)
    flagged = factories.QuestionFactory(status=QuestionStatus.NEEDS_REVIEW)

    assert list(Question.objects.published()) == [published]
    assert list(Question.objects.usable()) == [published]
    assert list(Question.objects.drafts()) == [draft]
    assert list(Question.objects.needs_review()) == [flagged]


def test_filter_querysets():
    section = factories.SectionFactory()
    paragraph = factories.ParagraphFactory(section=section)
    leader = factories.LeaderFactory()
    one = factories.QuestionFactory(sections=[section], citations=[paragraph], topic=Topic.LEADERS)
    two = factories.QuestionFactory(
        topic=Topic.ARGUMENTS, qtype=QuestionType.STATEMENT_KIND, statement="It is a mirage.", kind="analysis"
    )
    factories.QuestionSourceFactory(question=one, leader=leader)

    assert list(Question.objects.for_section(section)) == [one]
    assert list(Question.objects.for_topic(Topic.ARGUMENTS)) == [two]
    assert list(Question.objects.of_type(QuestionType.STATEMENT_KIND)) == [two]
    assert list(Question.objects.testing_kind(StatementKind.ANALYSIS)) == [two]
    assert list(Question.objects.citing(paragraph)) == [one]
    assert list(Question.objects.made_from(leader)) == [one]
    assert list(Question.objects.made_from(factories.LeaderFactory())) == []


def test_made_from_refuses_what_is_not_a_content_item():
    with pytest.raises(TypeError, match="Paragraph is not a content item"):
        Question.objects.made_from(factories.ParagraphFactory())


def test_unpublish_records_history():
    question = factories.QuestionFactory()
    factories.QuestionFactory(status=QuestionStatus.DRAFT)

    assert Question.objects.all().unpublish() == 1

    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT
    latest = question.history.first()
    assert (latest.status, latest.history_change_reason) == ("draft", "Unpublished")


# -- sources ------------------------------------------------------------------------------------


def test_a_source_holds_exactly_one_item():
    question = factories.QuestionFactory()

    with pytest.raises(IntegrityError, match="questionsource_exactly_one_item"), transaction.atomic():
        QuestionSource.objects.create(question=question)
    with pytest.raises(IntegrityError, match="questionsource_exactly_one_item"), transaction.atomic():
        QuestionSource.objects.create(
            question=question, leader=factories.LeaderFactory(), concept=factories.ConceptFactory()
        )
    with pytest.raises(ValidationError, match="exactly one content item"):
        QuestionSource(question=question).clean()


def test_a_question_is_made_from_an_item_once():
    source = factories.QuestionSourceFactory()

    with (
        pytest.raises(IntegrityError, match=r"questionsource_unique_leader|quizzes_questionsource\.leader_id"),
        transaction.atomic(),
    ):
        factories.QuestionSourceFactory(question=source.question, leader=source.leader)


def test_an_ordering_question_is_made_from_several_events():
    question = factories.QuestionFactory(qtype=QuestionType.ORDERING, topic=Topic.TIMELINE)
    events = [factories.TimelineEventFactory() for _ in range(3)]
    QuestionSource.objects.bulk_create(QuestionSource.for_item(event, question=question) for event in events)

    assert [source.item for source in question.sources.all()] == events
    assert str(question.sources.first()) == f"timeline event: {events[0]}"


def test_an_item_with_questions_cannot_be_deleted():
    from django.db.models import ProtectedError

    source = factories.QuestionSourceFactory()

    with pytest.raises(ProtectedError):
        source.leader.delete()


def test_a_source_is_stale_once_its_item_changes():
    source = factories.QuestionSourceFactory()
    assert source.is_stale() is False

    source.leader.summary = "A different summary."
    source.leader.save()

    assert source.is_stale() is True


# -- grading data and fingerprints --------------------------------------------------------------


def test_grading_data_from_the_database_scores_like_the_pure_data():
    question = factories.QuestionFactory(qtype=QuestionType.ORDERING)
    items = [
        factories.AnswerOptionFactory(question=question, text=t, position=p) for t, p in (("B", 2), ("A", 1), ("C", 3))
    ]

    data = Question.objects.with_answer_key().get(pk=question.pk).grading_data()

    assert data.qtype == "ordering"
    assert [option.text for option in data.options] == ["A", "B", "C"]
    assert grading.score(data, [items[1].pk, items[0].pk, items[2].pk]) == 1
    assert grading.score(data, [items[2].pk, items[0].pk, items[1].pk]) == Fraction(2, 6)


def test_numeric_grading_data():
    question = factories.QuestionFactory(
        qtype=QuestionType.NUMERIC, numeric_answer=Decimal("5100"), tolerance=Decimal("100"), unit="troops"
    )

    data = question.grading_data()

    assert (data.numeric_answer, data.tolerance, data.unit, data.options) == (
        Decimal("5100"),
        Decimal("100"),
        "troops",
        (),
    )
    assert grading.score(data, "5,000 troops") == 1


def test_content_fingerprint_changes_with_an_editors_change():
    question = factories.QuestionFactory()
    option = factories.AnswerOptionFactory(question=question, is_correct=True)
    question.generated_fingerprint = question.content_fingerprint()
    question.save()

    assert question.is_edited_since_generation() is False

    option.feedback = "Not quite."
    option.save()

    assert question.is_edited_since_generation() is True


def test_a_question_never_generated_is_not_edited_since_generation():
    assert factories.QuestionFactory().is_edited_since_generation() is False


def test_generator_key_is_unique_when_set():
    factories.QuestionFactory(generator_key="leader-country:goita")
    factories.QuestionFactory(generator_key=None)
    factories.QuestionFactory(generator_key=None)

    with pytest.raises(IntegrityError, match="generator_key"), transaction.atomic():
        factories.QuestionFactory(generator_key="leader-country:goita")


def test_history_records_citations():
    paragraph = factories.ParagraphFactory()
    question = factories.QuestionFactory(citations=[paragraph])
    question.prompt = "Who leads Mali's transition?"
    question.save()

    latest = question.history.first()
    assert latest.prompt == "Who leads Mali's transition?"
    assert [row.paragraph_id for row in latest.citations.all()] == [paragraph.pk]


def test_str_shortens_long_prompts():
    question = Question(prompt="word " * 30)

    assert str(question).endswith("…")
    assert len(str(question)) <= 80
