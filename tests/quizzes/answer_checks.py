"""Check a generated question's right answer against the content item it was made from.

Used on the generator's specs (tests/quizzes/test_generation.py) and on the shipped, saved
questions (tests/quizzes/test_shipped_questions.py). Each check reads the item from the database
afresh, by the slug in the question's generator key, and compares it with what the question says
is right: an unknown key fails, so a new kind of generated question needs its check here.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from briefings.models import (
    Actor,
    ActorType,
    Concept,
    Country,
    DatePrecision,
    FaqEntry,
    KeyFigure,
    Leader,
    LeaderRole,
    Takeaway,
    TimelineEvent,
    format_partial_date,
)
from quizzes.grading import fold
from quizzes.models import QuestionType

DATE_PATTERNS = {
    DatePrecision.YEAR: r"\d{4}",
    DatePrecision.MONTH: r"[A-Z][a-z]+ \d{4}",
    DatePrecision.DAY: r"\d{1,2} [A-Z][a-z]+ \d{4}",
}


@dataclass
class Seen:
    """A question as the checks read it: from a ``QuestionSpec`` or a saved ``Question``."""

    key: str
    qtype: str
    prompt: str
    statement: str
    kind: str
    options: list  # objects with text, is_correct, position, match, kind
    citations: list  # anchors
    numeric_answer: Decimal | None
    tolerance: Decimal | None
    unit: str

    @classmethod
    def of_spec(cls, spec):
        return cls(
            key=spec.generator_key,
            qtype=spec.qtype,
            prompt=spec.prompt,
            statement=spec.statement,
            kind=str(spec.kind),
            options=list(spec.options),
            citations=[paragraph.anchor for paragraph in spec.citations],
            numeric_answer=spec.numeric_answer,
            tolerance=spec.tolerance,
            unit=spec.unit,
        )

    @classmethod
    def of_question(cls, question):
        return cls(
            key=question.generator_key,
            qtype=question.qtype,
            prompt=question.prompt,
            statement=question.statement,
            kind=question.kind,
            options=sorted(question.options.all(), key=lambda o: o.position),
            citations=[paragraph.anchor for paragraph in question.citations.all()],
            numeric_answer=question.numeric_answer,
            tolerance=question.tolerance,
            unit=question.unit,
        )

    @property
    def right(self):
        return [option.text for option in self.options if option.is_correct]

    @property
    def only_right(self):
        assert len(self.right) == 1, (self.key, self.right)
        return self.right[0]

    @property
    def texts(self):
        return [option.text for option in self.options]


def cites_item(seen, *items):
    """The question cites its items' paragraphs, and only those."""
    anchors = {paragraph.anchor for item in items for paragraph in item.citations.all()}
    assert seen.citations and set(seen.citations) <= anchors, (seen.key, seen.citations, anchors)


def _head(country):
    return Leader.objects.get(role=LeaderRole.HEAD_OF_STATE, country=country)


def check_right_answer(seen):
    """Assert that what ``seen`` marks right is what its item says. Returns the item(s) checked."""
    prefix, _sep, rest = seen.key.partition(":")
    check = CHECKS.get(prefix)
    assert check is not None, f"No check for generated questions {prefix}: add one to tests/quizzes/answer_checks.py"
    return check(seen, rest)


def _leader_country(seen, slug):
    leader = Leader.objects.get(slug=slug)
    assert seen.only_right == leader.country.name
    assert str(leader) in seen.prompt
    cites_item(seen, leader)
    return leader


def _country_leader(seen, slug):
    country = Country.objects.get(slug=slug)
    leader = _head(country)
    assert seen.only_right == str(leader)
    assert country.name in seen.prompt
    return leader


def _leader_rank(seen, slug):
    leader = Leader.objects.get(slug=slug)
    assert seen.only_right == leader.rank
    assert leader.name in seen.prompt
    return leader


def _leader_name(seen, slug):
    leader = Leader.objects.get(slug=slug)
    assert seen.qtype == QuestionType.SHORT_ANSWER
    assert fold(leader.name.split()[-1]) in {fold(text) for text in seen.right}
    assert all(fold(leader.name.split()[-1]) in fold(text) for text in seen.right)
    assert leader.country.name in seen.prompt and leader.rank.lower() in seen.prompt
    return leader


def _leader_country_true(seen, slug):
    leader = Leader.objects.get(slug=slug)
    assert seen.prompt.endswith(f"{leader} leads {leader.country.name}.")
    assert seen.only_right == "True"
    return leader


def _leader_country_false(seen, slug):
    leader = Leader.objects.get(slug=slug)
    shown = re.search(rf"{re.escape(str(leader))} leads (.+)\.$", seen.prompt).group(1)
    assert shown != leader.country.name and Country.objects.filter(name=shown).exists()
    assert seen.only_right == "False"
    return leader


def _leader_power_year(seen, slug):
    leader = Leader.objects.get(slug=slug)
    assert seen.only_right == str(leader.power_year)
    assert all(re.fullmatch(r"\d{4}", text) for text in seen.texts)
    return leader


def _leader_related(seen, slug):
    person = Leader.objects.get(slug=slug)
    heads = [other for other in person.related.all() if other.role == LeaderRole.HEAD_OF_STATE]
    assert [seen.only_right] == [str(leader) for leader in heads]
    assert str(person) in seen.prompt
    return person


def _leader_described(seen, rest):
    slug, field = rest.split(":")
    leader = Leader.objects.get(slug=slug)
    assert seen.only_right == str(leader)
    assert getattr(leader, field) in seen.prompt
    assert seen.kind == Leader.FIELD_KINDS[field]
    assert leader.name not in seen.prompt.replace(getattr(leader, field), "") or field == "key_quote"
    return leader


def _match_leaders(seen, rest):
    pairs = {option.text: option.match for option in seen.options if option.text}
    heads = Leader.objects.filter(role=LeaderRole.HEAD_OF_STATE).select_related("country")
    assert pairs == {str(leader): leader.country.name for leader in heads}
    return list(heads)


def _coup_years(seen, slug):
    country = Country.objects.get(slug=slug)
    years = set(re.findall(r"\d{4}", country.coup_years))
    assert set(seen.right) == years
    assert seen.qtype == (QuestionType.MULTIPLE if len(years) > 1 else QuestionType.SINGLE)
    return country


def _event_date(seen, slug):
    event = TimelineEvent.objects.get(slug=slug)
    if event.is_span:
        assert seen.only_right == event.date_label
        start, end = DATE_PATTERNS[event.precision], DATE_PATTERNS[event.end_precision]
        assert all(re.fullmatch(f"{start}–{end}", text) for text in seen.texts), seen.texts
    else:
        assert seen.only_right == format_partial_date(event.date, event.precision)
        # Same precision in every option.
        assert all(re.fullmatch(DATE_PATTERNS[event.precision], text) for text in seen.texts), seen.texts
    assert event.title in seen.prompt
    cites_item(seen, event)
    return event


_RANK = {DatePrecision.YEAR: 0, DatePrecision.MONTH: 1, DatePrecision.DAY: 2}


def _truncated(event, precision):
    if precision == DatePrecision.YEAR:
        return (event.date.year,)
    if precision == DatePrecision.MONTH:
        return (event.date.year, event.date.month)
    return (event.date.year, event.date.month, event.date.day)


def _order_events(seen, slug):
    by_title = {event.title: event for event in TimelineEvent.objects.all()}
    ordered = [by_title[option.text] for option in sorted(seen.options, key=lambda o: o.position)]
    assert 3 <= len(ordered) <= 5
    precision = min((event.precision for event in ordered), key=_RANK.get)
    dates = [_truncated(event, precision) for event in ordered]
    assert dates == sorted(dates) and len(set(dates)) == len(dates), (seen.key, dates)
    subject = Country.objects.filter(slug=slug).first() or Actor.objects.get(slug=slug)
    for event in ordered:
        assert subject in [*event.countries.all(), *event.actors.all()], (seen.key, event.slug)
    return ordered


def _figure_value(seen, slug):
    figure = KeyFigure.objects.get(slug=slug)
    assert seen.qtype == QuestionType.NUMERIC and seen.unit == figure.unit
    low, high = seen.numeric_answer - seen.tolerance, seen.numeric_answer + seen.tolerance
    top = figure.value_high if figure.value_high is not None else figure.value
    assert low <= figure.value and top <= high
    if figure.value_high is not None:
        assert (low, high) == (figure.value, figure.value_high)
    elif not figure.qualifier:
        assert seen.tolerance == 0 and seen.numeric_answer == figure.value
    else:  # "about", "perhaps": a range around the value, never wider than a fifth of it
        assert seen.numeric_answer == figure.value and 0 < seen.tolerance <= figure.value / 5
    return figure


def _figure_choice(seen, slug):
    figure = KeyFigure.objects.get(slug=slug)
    expected = KeyFigure(value=figure.value, value_high=figure.value_high, unit=figure.unit).display_value
    assert seen.only_right == expected
    assert figure.label in seen.prompt
    unit_words = figure.unit if figure.unit not in ("%", "USD") else ""
    assert all(text.endswith(unit_words) for text in seen.texts)
    if figure.unit == "%":
        assert all(text.endswith("%") for text in seen.texts)
    if figure.unit == "USD":
        assert all(text.startswith("$") for text in seen.texts)
    return figure


def _concept_term(seen, slug):
    concept = Concept.objects.get(slug=slug)
    assert seen.only_right == concept.term
    assert concept.definition in seen.prompt
    assert fold(concept.term) in fold(" ".join(paragraph.text for paragraph in concept.citations.all()))
    assert set(seen.texts) <= set(Concept.objects.values_list("term", flat=True))
    return concept


def _faq_answer(seen, slug):
    entry = FaqEntry.objects.get(slug=slug)
    assert seen.only_right == entry.answer
    assert entry.question in seen.prompt
    assert set(seen.texts) <= set(FaqEntry.objects.values_list("answer", flat=True))
    return entry


def _actor_type(seen, slug):
    actor = Actor.objects.get(slug=slug)
    assert seen.only_right == ActorType(actor.actor_type).label
    assert set(seen.texts) <= {str(label) for label in ActorType.labels}
    return actor


def _actor_abbreviation(seen, slug):
    actor = Actor.objects.get(slug=slug)
    assert seen.right == [actor.short_name]
    assert re.search(rf"\b{re.escape(actor.short_name)}\b", " ".join(p.text for p in actor.citations.all()))
    return actor


def _alliance_members(seen, slug):
    actor = Actor.objects.get(slug=slug)
    assert set(seen.right) == {country.name for country in actor.countries.all()}
    assert not set(seen.texts) - set(seen.right) & {country.name for country in Country.objects.all()}
    return actor


def _match_actor_types(seen, rest):
    actors = []
    for option in seen.options:
        actor = Actor.objects.get(name=option.text)
        assert option.match == ActorType(actor.actor_type).label
        actors.append(actor)
    return actors


def _statement_kind(seen, rest):
    model, _sep, tail = rest.partition(":")
    assert seen.qtype == QuestionType.STATEMENT_KIND
    assert [option.kind for option in seen.options if option.is_correct] == [seen.kind]
    if model == "takeaway":
        item = Takeaway.objects.get(slug=tail)
        assert (seen.statement, seen.kind) == (item.text, item.kind)
        assert seen.citations == [paragraph.anchor for paragraph in item.citations.order_by("pk")]
        return item
    slug, field = tail.split(":")
    item = Leader.objects.get(slug=slug)
    assert getattr(item, field) in seen.statement
    assert seen.kind == Leader.FIELD_KINDS[field]
    return item


CHECKS = {
    "leader-country": _leader_country,
    "country-leader": _country_leader,
    "leader-rank": _leader_rank,
    "leader-name": _leader_name,
    "leader-country-true": _leader_country_true,
    "leader-country-false": _leader_country_false,
    "leader-power-year": _leader_power_year,
    "leader-related": _leader_related,
    "leader-described": _leader_described,
    "match-leaders-countries": _match_leaders,
    "country-coup-years": _coup_years,
    "event-date": _event_date,
    "order-events": _order_events,
    "figure-value": _figure_value,
    "figure-choice": _figure_choice,
    "concept-term": _concept_term,
    "faq-answer": _faq_answer,
    "actor-type": _actor_type,
    "actor-abbreviation": _actor_abbreviation,
    "alliance-members": _alliance_members,
    "match-actor-types": _match_actor_types,
    "statement-kind": _statement_kind,
}


def check_distractors(seen):
    """Options distinct from each other; the right ones not among the wrong; enough wrong ones."""
    if seen.qtype in (QuestionType.NUMERIC,):
        assert seen.options == []
        return
    if seen.qtype == QuestionType.STATEMENT_KIND:
        assert sorted(option.kind for option in seen.options) == sorted(["fact", "analysis", "claim"])
        return
    if seen.qtype == QuestionType.MATCHING:
        stems = [option.text for option in seen.options if option.text]
        assert len(stems) == len(set(stems)) >= 2
        return
    texts = seen.texts
    assert len(texts) == len(set(texts)), (seen.key, texts)
    assert len({fold(text) for text in texts}) == len(texts), (seen.key, texts)
    wrong = [option.text for option in seen.options if not option.is_correct]
    if seen.qtype == QuestionType.SINGLE:
        assert len(seen.right) == 1 and len(wrong) >= 2, (seen.key, texts)
    elif seen.qtype == QuestionType.MULTIPLE:
        assert len(seen.right) >= 2 and len(wrong) >= 2, (seen.key, texts)
    elif seen.qtype == QuestionType.TRUE_FALSE:
        assert sorted(texts) == ["False", "True"]
    elif seen.qtype == QuestionType.ORDERING:
        assert sorted(option.position for option in seen.options) == list(range(1, len(texts) + 1))
