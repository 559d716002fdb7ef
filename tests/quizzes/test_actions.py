"""Workflows: flagging questions when their content changes, publishing them back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings.models import ActorType
from quizzes.actions import change_reason, flag_questions_for_review, generate_questions, publish_questions
from quizzes.models import AnswerOption, Question, QuestionSource, QuestionStatus, ReviewFlag
from tests import factories

from .answer_checks import Seen, check_right_answer

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


# -- generate_questions -----------------------------------------------------------------------------


@pytest.fixture
def imported(article_path, pack_dir):
    from briefings.actions import import_briefing

    return import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)


def _history_count():
    return Question.history.count() + AnswerOption.history.count() + QuestionSource.history.count()


def test_generating_from_the_real_content_makes_complete_drafts(imported):
    report = generate_questions()

    questions = list(Question.objects.with_answer_key().prefetch_related("sources").order_by("pk"))
    assert len(report.created) == len(questions) == len(report.specs) >= 150
    assert (report.updated, report.unchanged, report.skipped_edited, report.retired) == ([], [], [], [])
    assert {question.status for question in questions} == {QuestionStatus.DRAFT}
    for question in questions:
        spec = report.specs[question.generator_key]
        assert question.generated_fingerprint == question.content_fingerprint() == spec.fingerprint()
        assert question.is_edited_since_generation() is False
        question.check_complete(status=QuestionStatus.PUBLISHED)
        assert [source.item for source in question.sources.all()] == list(spec.sources)
        assert all(source.is_stale() is False for source in question.sources.all())
        assert sorted(p.anchor for p in question.citations.all()) == sorted(p.anchor for p in spec.citations)
        check_right_answer(Seen.of_question(question))


def test_a_second_run_creates_nothing_and_changes_nothing(imported):
    first = generate_questions()
    before = (list(Question.objects.values_list("pk", "updated_at", "generated_fingerprint")), _history_count())

    second = generate_questions()

    assert (second.created, second.updated, second.skipped_edited) == ([], [], [])
    assert len(second.unchanged) == len(first.created)
    assert (list(Question.objects.values_list("pk", "updated_at", "generated_fingerprint")), _history_count()) == before


def test_an_editors_change_survives_a_rerun(imported):
    generate_questions()
    question = Question.objects.get(generator_key="leader-country:assimi-goita")
    question.prompt = "In the article, which country does Colonel Goïta lead?"
    question.save()
    option = question.options.get(is_correct=False, text="Niger")
    option.feedback = "Niger is led by General Tchiani."
    option.save()

    report = generate_questions()

    assert [q.generator_key for q in report.skipped_edited] == ["leader-country:assimi-goita"]
    question.refresh_from_db()
    assert question.prompt == "In the article, which country does Colonel Goïta lead?"
    assert question.options.get(text="Niger").feedback == "Niger is led by General Tchiani."
    assert "Skipped leader-country:assimi-goita: an editor changed it since it was generated." in list(report.lines())


def test_an_untouched_question_is_regenerated_when_its_item_changes_and_needs_review_if_published(imported):
    from briefings.models import Leader

    generate_questions()
    publish_questions(questions=Question.objects.filter(generator_key__startswith="leader-rank:"))
    Leader.objects.filter(slug="assimi-goita").update(rank="Lieutenant-Colonel")

    report = generate_questions()

    rank = Question.objects.get(generator_key="leader-rank:assimi-goita")
    assert rank in report.updated
    assert rank.status == QuestionStatus.NEEDS_REVIEW
    assert [o.text for o in rank.options.filter(is_correct=True)] == ["Lieutenant-Colonel"]
    assert [flag.reason for flag in rank.review_flags.all()] == ["Regenerated from changed content"]
    assert rank.generated_fingerprint == rank.content_fingerprint()
    # The other leaders' rank questions offer the new rank as a distractor; they were published too.
    traore = Question.objects.get(generator_key="leader-rank:ibrahim-traore")
    assert (traore.status, "Lieutenant-Colonel" in [o.text for o in traore.options.all()]) == (
        QuestionStatus.NEEDS_REVIEW,
        True,
    )
    draft = Question.objects.get(generator_key="leader-country:assimi-goita")
    assert draft.status == QuestionStatus.DRAFT  # the explanation changed; a draft stays a draft
    assert generate_questions().updated == []


def test_a_question_no_longer_made_is_retired_and_flagged_once(imported):
    from briefings.models import Takeaway

    generate_questions()
    key = "statement-kind:takeaway:sovereignty-mirage-1"
    publish_questions(questions=Question.objects.filter(generator_key=key))
    Takeaway.objects.filter(slug="sovereignty-mirage-1").update(status="draft")

    report = generate_questions()
    again = generate_questions()

    question = Question.objects.get(generator_key=key)
    assert [q.generator_key for q in report.retired] == [key]
    assert question.status == QuestionStatus.NEEDS_REVIEW
    assert question.review_flags.count() == 1
    assert [q.generator_key for q in again.retired] == [key]


def test_generating_from_some_items_touches_only_their_questions(imported):
    from briefings.models import Leader

    leader = Leader.objects.get(slug="ibrahim-traore")

    report = generate_questions(items=[leader])

    keys = sorted(question.generator_key for question in report.created)
    assert keys == sorted(Question.objects.values_list("generator_key", flat=True))
    assert "leader-country:ibrahim-traore" in keys and "match-leaders-countries" in keys
    assert all(QuestionSource.objects.filter(question__generator_key=key, leader=leader).exists() for key in keys)
    assert report.retired == []


def _content(count):
    """``count`` of each kind of content item, all different, citing paragraphs of one section."""
    section = factories.SectionFactory()
    for number in range(count):
        paragraph = factories.ParagraphFactory(section=section)
        country = factories.CountryFactory(citations=[paragraph], coup_years=str(2010 + number))
        factories.LeaderFactory(citations=[paragraph], country=country, rank=f"Rank {number}", power_year=2010 + number)
        factories.TimelineEventFactory(citations=[paragraph], date=f"{2010 + number}-09-16")
        factories.KeyFigureFactory(citations=[paragraph], value=1000 * (number + 1))
        factories.ConceptFactory(citations=[paragraph], definition=f"Definition number {number}.")
        factories.TakeawayFactory(citations=[paragraph], section=section, text=f"Takeaway number {number}.")
        factories.FaqEntryFactory(citations=[paragraph], answer=f"Answer number {number}.")
        factories.ActorFactory(citations=[paragraph], actor_type=ActorType.values[number % len(ActorType.values)])


@pytest.mark.parametrize("count", [4, 8])
def test_generating_takes_the_same_number_of_queries_however_much_content(count):
    """Reads and deletes are a fixed number; rows are written in bulk (SQLite splits a bulk insert in batches)."""
    _content(count)
    with CaptureQueriesContext(connection) as creating:
        created = generate_questions()
    with CaptureQueriesContext(connection) as rerunning:
        generate_questions()
    inserts = [query for query in creating.captured_queries if query["sql"].startswith("INSERT")]
    rows = len(created.created) + AnswerOption.objects.count() + QuestionSource.objects.count()
    assert len(created.created) > 8 * count
    assert len(creating) - len(inserts) == 28
    assert len(inserts) <= 2 * rows / 20  # each row and its history row, at least 20 rows a statement
    assert len(rerunning) == 28
