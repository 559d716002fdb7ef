"""The question generator on the real article and pack: every right answer checked against its item."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings.actions import import_briefing
from briefings.models import (
    ARTICLE_KINDS,
    DatePrecision,
    Leader,
    Section,
    SectionKind,
    StatementKind,
    Status,
    Takeaway,
    TimelineEvent,
)
from quizzes.generation import Content, build_questions
from quizzes.models import QuestionType, Topic

from .answer_checks import DATE_PATTERNS, Seen, check_distractors, check_right_answer

pytestmark = pytest.mark.django_db

BACKGROUND = StatementKind.BACKGROUND


@pytest.fixture
def imported(article_path, pack_dir):
    return import_briefing(article_path=article_path, pack_dir=pack_dir, publish=True)


@pytest.fixture
def specs(imported):
    return build_questions(Content.load())


def test_every_generated_right_answer_is_what_its_item_says(specs):
    checked = Counter()
    for spec in specs:
        check_right_answer(Seen.of_spec(spec))
        checked[spec.generator_key.split(":")[0]] += 1
    assert checked["leader-country"] == 3
    assert checked["event-date"] == TimelineEvent.objects.published().count()
    assert checked["statement-kind"] >= Takeaway.objects.published().count()


def test_distractors_are_distinct_from_the_answer_and_each_other(specs):
    for spec in specs:
        check_distractors(Seen.of_spec(spec))


def test_every_date_option_has_the_events_precision(specs):
    events = {event.slug: event for event in TimelineEvent.objects.all()}
    precisions = Counter()
    for spec in specs:
        if not spec.generator_key.startswith("event-date:"):
            continue
        event = events[spec.generator_key.split(":")[1]]
        if event.is_span:
            continue
        precisions[event.precision] += 1
        pattern = DATE_PATTERNS[event.precision]
        assert all(re.fullmatch(pattern, option.text) for option in spec.options), spec.options
    # The pack has events of each precision, so each rule above ran.
    assert set(precisions) == {DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY}


def test_a_sibling_events_date_is_never_a_distractor(specs):
    by_key = {spec.generator_key: spec for spec in specs}
    first = by_key["event-date:mali-coup-2020"]
    assert [option.text for option in first.options if option.is_correct] == ["2020"]
    assert "2021" not in [option.text for option in first.options]  # the second coup in Mali


def test_day_precision_distractors_include_the_other_days_students_confuse(specs):
    charter = {spec.generator_key: spec for spec in specs}["event-date:liptako-gourma-charter"]
    assert [option.text for option in charter.options] == [
        "16 September 2023",
        "16 September 2022",
        "6 July 2024",
        "16 September 2024",
    ]


def test_figure_distractors_keep_the_unit_and_scale(specs):
    by_key = {spec.generator_key: spec for spec in specs}
    assert [o.text for o in by_key["figure-choice:traore-age"].options] == [
        "36 years",
        "35 years",
        "37 years",
        "38 years",
    ]
    assert [o.text for o in by_key["figure-choice:burkina-faso-deaths-per-attack-2023"].options] == [
        "68%",
        "17%",
        "67%",
        "69%",
    ]
    gold = by_key["figure-value:wagner-gold-extracted"]  # "an estimated": a range around it
    assert (gold.numeric_answer, gold.tolerance, gold.unit) == (2500000000, 250000000, "USD")
    exact = by_key["figure-value:mali-civilian-deaths-state-actors"]
    assert (exact.numeric_answer, exact.tolerance, exact.unit) == (1486, 0, "deaths")


def test_keys_are_unique_and_every_type_and_topic_is_built(specs):
    keys = [spec.generator_key for spec in specs]
    assert len(keys) == len(set(keys))
    assert {spec.qtype for spec in specs} == set(QuestionType.values)
    assert {spec.topic for spec in specs} == set(Topic.values)


def test_every_question_cites_paragraphs_of_its_items_and_its_sections_are_theirs(specs):
    for spec in specs:
        anchors = {paragraph.anchor for item in spec.sources for paragraph in item.citations.all()}
        assert spec.citations, spec.generator_key
        assert {paragraph.anchor for paragraph in spec.citations} <= anchors, spec.generator_key
        assert {section.pk for section in spec.sections} == {paragraph.section_id for paragraph in spec.citations}
        assert spec.kind in ARTICLE_KINDS and spec.explanation.strip()


def test_every_body_section_gets_questions(specs):
    covered = {section.slug for spec in specs for section in spec.sections}
    assert set(Section.objects.filter(kind=SectionKind.BODY).values_list("slug", flat=True)) <= covered


def test_no_question_is_built_from_or_with_a_background_item(imported):
    goita = Leader.objects.get(slug="assimi-goita")
    takeaway = Takeaway.objects.order_by("pk").first()
    event = TimelineEvent.objects.get(slug="aes-confederation")
    for item in (goita, takeaway, event):
        type(item).objects.filter(pk=item.pk).update(kind=BACKGROUND)

    specs = build_questions(Content.load())

    for spec in specs:
        assert {goita, takeaway, event}.isdisjoint(spec.sources), spec.generator_key
        texts = [option.text for option in spec.options] + [option.match for option in spec.options]
        assert str(goita) not in texts and "6 July 2024" not in texts, spec.generator_key
        assert takeaway.text != spec.statement
    assert "leader-country:assimi-goita" not in {spec.generator_key for spec in specs}


def test_drafts_are_not_used(imported):
    TimelineEvent.objects.filter(slug="aes-confederation").update(status=Status.DRAFT)

    specs = build_questions(Content.load())

    assert "event-date:aes-confederation" not in {spec.generator_key for spec in specs}
    assert all("6 July 2024" not in [option.text for option in spec.options] for spec in specs)


def test_loading_the_content_takes_a_fixed_number_of_queries(imported):
    with CaptureQueriesContext(connection) as first:
        content = Content.load()
    with CaptureQueriesContext(connection) as building:
        specs = build_questions(content)
        for spec in specs:  # what the generator reads from each spec when saving it
            spec.fingerprint()
            [item.content_fingerprint() for item in spec.sources]
    assert len(first) == 20
    assert len(building) == 0
