"""Questions built from the article's structured content, correct by construction. This docstring is the spec.

The builders are pure: they read the content rows handed to them in a ``Content`` (``Content.load()``
reads every published item that says what the article says, in a fixed number of queries) and
return ``QuestionSpec`` values. Nothing here writes; ``quizzes.actions.generate_questions`` turns
specs into ``Question`` rows, idempotently, by ``generator_key``.

What makes them correct by construction
---------------------------------------
- **Only what the article says.** Background items (general knowledge, not the article: only
  ``from_article()`` items are read) are never used: not as the subject of a question, not as a
  distractor; which-kind questions offer the article's kinds (``ARTICLE_KINDS``). Drafts are not
  read either.
- **The right answer is the item's own field** (the leader's country, the event's date at its
  precision, the figure's value, the takeaway's label) and the question cites the item's
  paragraphs, so a student can check it; the sections are those of the citations.
- **Distractors are other items of the same sort**, the ones students confuse: the other heads of
  state and their countries and ranks; other events' dates at the same precision, then the same
  date a year (or a month) either side; other figures of the same unit and scale, then plausible
  multiples (x2, x1/2, x10, x1/10; small counts one or two either side); other terms, other FAQ
  answers, actors of confusable types (an alliance, a regional body, an international mission).
  A distractor is never equal to the answer, never equal to another distractor, and never a value
  that would also be right (a date of a sibling event with the same countries and actors, a value
  inside the answer's range).
- **Dates keep their precision.** Every option of a when-did question is written at the event's
  precision (all years, all months or all days); an ordering question takes 3 to 5 events whose
  dates all differ at the coarsest precision among them, so the order is never a tie.
- **Explanations are the content's own words** (the item's summary, context, definition or the
  FAQ's answer) framed by what the article says; they add nothing.

Question kinds built (``generator_key`` patterns)
-------------------------------------------------
Leaders: ``leader-country:<leader>``, ``country-leader:<country>``, ``leader-rank:<leader>``,
``leader-name:<leader>`` (short answer), ``leader-power-year:<leader>``,
``leader-related:<related figure>``, ``leader-described:<leader>:<field>``,
``leader-country-true:<leader>``, ``leader-country-false:<leader>`` (true/false),
``match-leaders-countries``. Countries: ``country-coup-years:<country>`` (multiple answers when
the country had more than one coup). Timeline: ``event-date:<event>``,
``order-events:<country or actor>``. Key figures: ``figure-value:<figure>`` (numeric),
``figure-choice:<figure>``. Concepts: ``concept-term:<concept>``. FAQ: ``faq-answer:<entry>``.
Actors: ``actor-type:<actor>``, ``actor-abbreviation:<actor>`` (short answer, only when the
abbreviation is in the cited paragraphs), ``alliance-members:<actor>`` (multiple answers),
``match-actor-types:<n>``. Which kind of statement: ``statement-kind:takeaway:<slug>`` and
``statement-kind:leader:<slug>:<field>`` (a leader's profile fields carry fixed kinds).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from briefings.models import (
    ARTICLE_KINDS,
    Actor,
    ActorType,
    Concept,
    Country,
    DatePrecision,
    FaqEntry,
    KeyFigure,
    Leader,
    LeaderRole,
    Paragraph,
    StatementKind,
    Takeaway,
    TimelineEvent,
    format_partial_date,
)

from .grading import fold
from .models import Difficulty, Question, QuestionType, Topic, question_fingerprint

# How many options a single-answer question offers at most (the answer and three distractors).
CHOICES = 4

# Actor types students confuse with each other, by family: tried first as distractors.
CONFUSABLE_TYPES = (
    (ActorType.ALLIANCE, ActorType.REGIONAL_BODY, ActorType.INTERNATIONAL),
    (ActorType.ARMED_FORCE, ActorType.MERCENARY, ActorType.JIHADIST),
    (ActorType.STATE, ActorType.RESEARCH),
)

_PRECISION_RANK = {DatePrecision.YEAR: 0, DatePrecision.MONTH: 1, DatePrecision.DAY: 2}

# Kind -> how the explanation of a which-kind question describes it.
_KIND_EXPLANATIONS = {
    StatementKind.FACT: gettext_noop(
        "The article reports this as a fact: something that happened or can be checked, not a judgment."
    ),
    StatementKind.ANALYSIS: gettext_noop(
        "This is the author's analysis: an interpretation, judgment or prediction of the author's own."
    ),
    StatementKind.CLAIM: gettext_noop(
        "This is an attributed claim: the article reports that someone else says or estimates it."
    ),
}
_KIND_FEEDBACK = {
    StatementKind.FACT: gettext_noop(
        "Not a reported fact: the article does not present it as something simply checked."
    ),
    StatementKind.ANALYSIS: gettext_noop("Not the author's analysis: the author is not judging or predicting here."),
    StatementKind.CLAIM: gettext_noop("Not an attributed claim: the article does not credit it to someone else."),
}


@dataclass(frozen=True)
class OptionSpec:
    text: str = ""
    is_correct: bool = False
    position: int = 0
    match: str = ""
    kind: str = ""
    feedback: str = ""

    def as_row(self):
        return [self.text, self.is_correct, self.position, self.match, self.kind, self.feedback]


@dataclass(frozen=True)
class QuestionSpec:
    """What a generated question will be; ``quizzes.actions.generate_questions`` saves it."""

    generator_key: str
    qtype: str
    prompt: str
    explanation: str
    topic: str
    kind: str
    citations: tuple  # Paragraph rows, each with its section
    sources: tuple  # the content items it is made from
    options: tuple = ()
    statement: str = ""
    difficulty: int = Difficulty.MEDIUM
    numeric_answer: Decimal | None = None
    tolerance: Decimal | None = None
    unit: str = ""

    @property
    def sections(self):
        """The article sections of the citations, in citation order."""
        seen = {}
        for paragraph in self.citations:
            seen.setdefault(paragraph.section_id, paragraph.section)
        return list(seen.values())

    def field_values(self):
        return {name: getattr(self, name) for name in Question.FINGERPRINT_FIELDS}

    def fingerprint(self):
        """Equal to the saved question's ``content_fingerprint()`` while nobody has changed it."""
        return question_fingerprint(
            self.field_values(),
            options=[option.as_row() for option in sorted(self.options, key=lambda o: o.position)],
            sections=[section.slug for section in self.sections],
            citations=[paragraph.anchor for paragraph in self.citations],
        )

    def source_keys(self):
        return {(type(item), item.pk) for item in self.sources}

    def right_answer(self):
        """The right answer as a reviewer reads it (a string, or a list for several)."""
        if self.qtype == QuestionType.NUMERIC:
            return f"{self.numeric_answer.normalize():f} ± {self.tolerance.normalize():f} {self.unit}".strip()
        if self.qtype == QuestionType.STATEMENT_KIND:
            return str(self.kind)
        if self.qtype == QuestionType.ORDERING:
            return [option.text for option in sorted(self.options, key=lambda o: o.position)]
        if self.qtype == QuestionType.MATCHING:
            return [f"{option.text} → {option.match}" for option in self.options if option.text]
        right = [option.text for option in self.options if option.is_correct]
        return right if self.qtype in (QuestionType.MULTIPLE, QuestionType.SHORT_ANSWER) else right[0]

    def wrong_answers(self):
        if self.qtype in (QuestionType.NUMERIC, QuestionType.STATEMENT_KIND, QuestionType.ORDERING):
            return []
        if self.qtype == QuestionType.MATCHING:
            return [option.match for option in self.options if not option.text]
        return [option.text for option in self.options if not option.is_correct]

    def review_record(self):
        """What a reviewer checked, as shipped in ``quizzes/content/questions.yaml``."""
        record = {"key": self.generator_key, "prompt": self.prompt}
        if self.statement:
            record["statement"] = self.statement
        record["answer"] = self.right_answer()
        wrong = self.wrong_answers()
        if wrong:
            record["wrong"] = wrong
        record["explanation"] = self.explanation
        record["cites"] = [paragraph.anchor for paragraph in self.citations]
        return record


@dataclass
class Content:
    """The published content that says what the article says, with what the builders read prefetched."""

    countries: list = field(default_factory=list)
    actors: list = field(default_factory=list)
    leaders: list = field(default_factory=list)
    events: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    concepts: list = field(default_factory=list)
    takeaways: list = field(default_factory=list)
    faq: list = field(default_factory=list)

    @classmethod
    def load(cls):
        """One query per model and per relation read (citations, countries, actors, related).

        Relations are prefetched whole (not only the usable rows), because an item's
        ``content_fingerprint()`` reads them; the builders keep to the usable ones themselves.
        """

        def usable(model):
            return model.objects.published().from_article()

        citations = Prefetch("citations", queryset=Paragraph.objects.select_related("section").order_by("pk"))
        content = cls(
            countries=list(usable(Country).prefetch_related(citations)),
            actors=list(usable(Actor).select_related("part_of").prefetch_related(citations, "countries")),
            leaders=list(usable(Leader).select_related("country").prefetch_related(citations, "related")),
            events=list(usable(TimelineEvent).prefetch_related(citations, "countries", "actors")),
            figures=list(usable(KeyFigure).select_related("country", "actor").prefetch_related(citations)),
            concepts=list(usable(Concept).prefetch_related(citations)),
            takeaways=list(usable(Takeaway).select_related("section").prefetch_related(citations)),
            faq=list(usable(FaqEntry).prefetch_related(citations)),
        )
        # A leader's usable country is that very row (with its citations prefetched).
        countries = {country.pk: country for country in content.countries}
        for leader in content.leaders:
            if leader.country_id in countries:
                leader.country = countries[leader.country_id]
        return content

    def usable_countries(self, item):
        """``item.countries`` restricted to the usable countries, as those rows."""
        countries = {country.pk: country for country in self.countries}
        return [countries[c.pk] for c in item.countries.all() if c.pk in countries]

    def usable_actors(self, item):
        actors = {actor.pk: actor for actor in self.actors}
        return [actors[a.pk] for a in item.actors.all() if a.pk in actors]


# -- helpers -------------------------------------------------------------------------------------


def _cites(*items):
    seen = {}
    for item in items:
        for paragraph in item.citations.all():
            seen.setdefault(paragraph.pk, paragraph)
    return tuple(seen.values())


def _choice_options(right, wrong, *, feedback=None):
    """A single-answer question's options: the answer first, then the distractors (students see them shuffled)."""
    feedback = feedback or {}
    texts = [right, *wrong]
    assert len(set(texts)) == len(texts), texts
    return tuple(
        OptionSpec(text=text, is_correct=text == right, position=number, feedback=feedback.get(text, ""))
        for number, text in enumerate(texts, start=1)
    )


def _rotate(items, anchor, count):
    """Up to ``count`` of ``items`` other than ``anchor``, starting after it (a fixed, varied pick)."""
    if anchor in items:
        start = items.index(anchor) + 1
        ordered = items[start:] + items[: start - 1]
    else:
        ordered = list(items)
    return [item for item in ordered if item != anchor][:count]


def _first_sentence(text):
    found = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    return found.group(1) if found else text.strip()


def _mentions(text, *names):
    folded = text.casefold()
    return any(name and name.casefold() in folded for name in names)


def _surname(leader):
    return leader.name.split()[-1]


def _name_forms(leader):
    """What a student may type for a leader: surname, full name, rank and name (folded by grading)."""
    forms = [_surname(leader), leader.name]
    if leader.rank:
        forms.append(f"{leader.rank} {leader.name}")
    return list(dict.fromkeys(forms))


# -- leaders and countries -------------------------------------------------------------------------


def _heads(content):
    countries = {country.pk for country in content.countries}
    return [
        leader
        for leader in content.leaders
        if leader.role == LeaderRole.HEAD_OF_STATE and leader.country_id in countries
    ]


def leader_questions(content):
    heads = _heads(content)
    countries = [leader.country for leader in heads]
    specs = []
    for leader in heads:
        others = [other for other in heads if other.pk != leader.pk]
        cites = _cites(leader)
        country = leader.country
        about = _("In the article, %(leader)s is %(office)s. %(summary)s") % {
            "leader": leader,
            "office": leader.office or _("the leader of %(country)s") % {"country": country},
            "summary": leader.summary,
        }
        wrong_countries = [c.name for c in countries if c.pk != country.pk]
        specs.append(
            QuestionSpec(
                generator_key=f"leader-country:{leader.slug}",
                qtype=QuestionType.SINGLE,
                prompt=_("Which country does %(leader)s lead?") % {"leader": leader},
                options=_choice_options(
                    country.name,
                    wrong_countries,
                    feedback={
                        other.country.name: _("%(country)s is led by %(leader)s.")
                        % {"country": other.country.name, "leader": other}
                        for other in others
                    },
                ),
                explanation=about,
                topic=Topic.LEADERS,
                kind=StatementKind.FACT,
                difficulty=Difficulty.EASY,
                citations=cites,
                sources=(leader, country),
            )
        )
        specs.append(
            QuestionSpec(
                generator_key=f"country-leader:{country.slug}",
                qtype=QuestionType.SINGLE,
                prompt=_("Who leads %(country)s, according to the article?") % {"country": country.name},
                options=_choice_options(
                    str(leader),
                    [str(other) for other in others],
                    feedback={
                        str(other): _("%(leader)s leads %(country)s.") % {"leader": other, "country": other.country}
                        for other in others
                    },
                ),
                explanation=about,
                topic=Topic.LEADERS,
                kind=StatementKind.FACT,
                difficulty=Difficulty.EASY,
                citations=cites,
                sources=(leader, country),
            )
        )
        ranks = [other.rank for other in others if other.rank and other.rank != leader.rank]
        if leader.rank and ranks:
            specs.append(
                QuestionSpec(
                    generator_key=f"leader-rank:{leader.slug}",
                    qtype=QuestionType.SINGLE,
                    prompt=_("What is the military rank or title of %(name)s, who leads %(country)s?")
                    % {"name": leader.name, "country": country.name},
                    options=_choice_options(
                        leader.rank,
                        list(dict.fromkeys(ranks)),
                        feedback={
                            other.rank: _("That is the rank of %(leader)s.") % {"leader": other} for other in others
                        },
                    ),
                    explanation=_("The article calls him %(leader)s. %(summary)s")
                    % {"leader": leader, "summary": leader.summary},
                    topic=Topic.LEADERS,
                    kind=StatementKind.FACT,
                    difficulty=Difficulty.MEDIUM,
                    citations=cites,
                    sources=(leader,),
                )
            )
        specs.append(
            QuestionSpec(
                generator_key=f"leader-name:{leader.slug}",
                qtype=QuestionType.SHORT_ANSWER,
                prompt=_("Type the surname of the %(rank)s who leads %(country)s.")
                % {"rank": (leader.rank or _("leader")).lower(), "country": country.name},
                options=tuple(
                    OptionSpec(text=text, is_correct=True, position=number)
                    for number, text in enumerate(_name_forms(leader), start=1)
                ),
                explanation=about,
                topic=Topic.LEADERS,
                kind=StatementKind.FACT,
                difficulty=Difficulty.MEDIUM,
                citations=cites,
                sources=(leader, country),
            )
        )
        for truth, shown in ((True, country), (False, _next(countries, country))):
            statement = _("%(leader)s leads %(country)s.") % {"leader": leader, "country": shown.name}
            specs.append(
                QuestionSpec(
                    generator_key=f"leader-country-{'true' if truth else 'false'}:{leader.slug}",
                    qtype=QuestionType.TRUE_FALSE,
                    prompt=_("True or false? %(statement)s") % {"statement": statement},
                    options=_true_false(
                        truth,
                        feedback=""
                        if truth
                        else _("%(leader)s leads %(country)s.") % {"leader": leader, "country": country.name},
                    ),
                    explanation=about,
                    topic=Topic.LEADERS,
                    kind=StatementKind.FACT,
                    difficulty=Difficulty.EASY,
                    citations=cites,
                    sources=(leader, country) if truth else (leader, country, shown),
                )
            )
        specs.extend(_power_year(leader, heads, cites))
        specs.extend(_described(leader, heads))
    specs.extend(_related(content, heads))
    if len(heads) >= 2:
        specs.append(
            QuestionSpec(
                generator_key="match-leaders-countries",
                qtype=QuestionType.MATCHING,
                prompt=_("Match each leader to the country he leads."),
                options=tuple(
                    OptionSpec(text=str(leader), match=leader.country.name, position=number)
                    for number, leader in enumerate(heads, start=1)
                ),
                explanation=" ".join(
                    _("%(leader)s leads %(country)s.") % {"leader": leader, "country": leader.country.name}
                    for leader in heads
                ),
                topic=Topic.LEADERS,
                kind=StatementKind.FACT,
                difficulty=Difficulty.EASY,
                citations=_cites(*heads),
                sources=(*heads, *countries),
            )
        )
    return specs


def _next(items, item):
    return items[(items.index(item) + 1) % len(items)]


def _true_false(truth, *, feedback=""):
    return (
        OptionSpec(text=_("True"), is_correct=truth, position=1, feedback="" if truth else feedback),
        OptionSpec(text=_("False"), is_correct=not truth, position=2, feedback=feedback if truth else ""),
    )


def _power_year(leader, heads, cites):
    """In which year a head of state came to power: only where the item gives the year."""
    if not leader.power_year:
        return []
    years = [other.power_year for other in heads if other.power_year and other.power_year != leader.power_year]
    wrong = _years_around(leader.power_year, years)
    return [
        QuestionSpec(
            generator_key=f"leader-power-year:{leader.slug}",
            qtype=QuestionType.SINGLE,
            prompt=_("In which year did %(leader)s come to power?") % {"leader": leader},
            options=_choice_options(str(leader.power_year), [str(year) for year in wrong]),
            explanation=_("%(path)s The article dates this to %(year)s.")
            % {"path": leader.path_to_power, "year": leader.power_year},
            topic=Topic.LEADERS,
            kind=StatementKind.FACT,
            difficulty=Difficulty.MEDIUM,
            citations=cites,
            sources=(leader,),
        )
    ]


def _years_around(year, others, count=CHOICES - 1):
    """Other years students confuse with ``year``: the other items' years first, then the nearest ones."""
    picked = []
    for candidate in [*sorted(set(others), key=lambda y: (abs(y - year), y)), year - 1, year + 1, year - 2, year + 2]:
        if candidate != year and candidate not in picked:
            picked.append(candidate)
    return sorted(picked[:count])


def _described(leader, heads):
    """Which leader is this? The leader's own background, outlook or quote, when it names no leader."""
    specs = []
    for name, kind in Leader.FIELD_KINDS.items():
        text = getattr(leader, name).strip()
        if not text or name == "path_to_power" or _mentions(text, leader.name, _surname(leader), leader.country.name):
            continue
        others = [other for other in heads if other.pk != leader.pk]
        prompt = (
            _("Whose view does the article give in these words? %(text)s")
            if name == "key_quote"
            else _("Which leader does the article describe this way? “%(text)s”")
        ) % {"text": text}
        specs.append(
            QuestionSpec(
                generator_key=f"leader-described:{leader.slug}:{name}",
                qtype=QuestionType.SINGLE,
                prompt=prompt,
                options=_choice_options(str(leader), [str(other) for other in others]),
                explanation=_("The article says this of %(leader)s (%(office)s).")
                % {"leader": leader, "office": leader.office},
                topic=Topic.LEADERS,
                kind=kind,
                difficulty=Difficulty.MEDIUM,
                citations=_cites(leader),
                sources=(leader,),
            )
        )
    return specs


def _related(content, heads):
    """The figure the article sets beside exactly one head of state: which head is it?"""
    specs = []
    by_pk = {leader.pk: leader for leader in heads}
    for person in content.leaders:
        if person.role != LeaderRole.RELATED:
            continue
        linked = [by_pk[other.pk] for other in person.related.all() if other.pk in by_pk]
        if len(linked) != 1:
            continue
        leader = linked[0]
        others = [other for other in heads if other.pk != leader.pk]
        specs.append(
            QuestionSpec(
                generator_key=f"leader-related:{person.slug}",
                qtype=QuestionType.SINGLE,
                prompt=_("Which head of state does the article link with %(person)s?") % {"person": person},
                options=_choice_options(str(leader), [str(other) for other in others]),
                explanation=person.summary,
                topic=Topic.LEADERS,
                kind=StatementKind.FACT,
                difficulty=Difficulty.MEDIUM,
                citations=_cites(person),
                sources=(person, leader),
            )
        )
    return specs


def _coup_years(country):
    return [int(year) for year in re.findall(r"\b(1[89]\d\d|20\d\d)\b", country.coup_years)]


def country_questions(content):
    """In which year(s) did the article date each country's coup(s)? Distractors: the other countries' years."""
    specs = []
    all_years = {year for country in content.countries for year in _coup_years(country)}
    for country in content.countries:
        years = _coup_years(country)
        if not years:
            continue
        wrong = _years_around(years[0], [year for year in all_years if year not in years], count=CHOICES - len(years))
        wrong = [year for year in wrong if year not in years]
        several = len(years) > 1
        options = tuple(
            OptionSpec(text=str(year), is_correct=year in years, position=number)
            for number, year in enumerate(sorted({*years, *wrong}), start=1)
        )
        specs.append(
            QuestionSpec(
                generator_key=f"country-coup-years:{country.slug}",
                qtype=QuestionType.MULTIPLE if several else QuestionType.SINGLE,
                prompt=(
                    _("In which years did %(country)s have coups, according to the article? Choose all that apply.")
                    if several
                    else _("In which year did %(country)s have its coup, according to the article?")
                )
                % {"country": country.name},
                options=options,
                explanation=(
                    _("The article gives these years for the coups in %(country)s: %(years)s.")
                    if several
                    else _("The article dates the coup in %(country)s to %(years)s.")
                )
                % {"country": country.name, "years": country.coup_years},
                topic=Topic.TIMELINE,
                kind=StatementKind.FACT,
                difficulty=Difficulty.MEDIUM,
                citations=_cites(country),
                sources=(country,),
            )
        )
    return specs


# -- timeline --------------------------------------------------------------------------------------


def _truncate(value, precision):
    if precision == DatePrecision.YEAR:
        return date(value.year, 1, 1)
    if precision == DatePrecision.MONTH:
        return date(value.year, value.month, 1)
    return value


def _shift(value, precision, steps):
    """``value`` moved by ``steps`` years (year precision) or months (month and day precision)."""
    if precision == DatePrecision.YEAR:
        return date(value.year + steps, 1, 1)
    month = value.month - 1 + steps
    year, month = value.year + month // 12, month % 12 + 1
    day = min(value.day, 28) if precision == DatePrecision.DAY else 1
    return date(year, month, day)


def _coarsest(precisions):
    return min(precisions, key=lambda precision: _PRECISION_RANK[precision])


_TITLE_STOPWORDS = frozenset({"the", "and", "from", "with", "under", "into", "their", "its", "of", "in", "on"})


def _title_words(event):
    named = {word.casefold() for item in (*event.countries.all(), *event.actors.all()) for word in item.name.split()}
    return {
        word
        for word in re.findall(r"[\w’'-]+", event.title.casefold())
        if len(word) > 3 and word not in _TITLE_STOPWORDS and word not in named
    }


def _siblings(event, events):
    """Events whose date would also fit this event's title: the same countries and actors and a shared title word.

    ("Coup in Mali" and "Second coup in Mali": a student answering 2021 for the first is not wrong by much.)
    """

    def key(item):
        return frozenset(c.pk for c in item.countries.all()), frozenset(a.pk for a in item.actors.all())

    words = _title_words(event)
    return [
        other for other in events if other.pk != event.pk and key(other) == key(event) and words & _title_words(other)
    ]


# How far another event's date may be to count as a near confusion, by precision (in days).
_NEAR_DAYS = {DatePrecision.YEAR: 3 * 366, DatePrecision.MONTH: 366, DatePrecision.DAY: 2 * 366}


def _date_distractors(event, events, count=CHOICES - 1):
    """Wrong dates at the event's precision: near dates of other events, then a year (or month) either side.

    Only events at least as precise as this one lend their dates (a year-only event has no month to offer).
    """
    precision = event.precision
    answer = _truncate(event.date, precision)
    banned = {answer} | {_truncate(other.date, precision) for other in _siblings(event, events)}
    others = sorted(
        (
            other
            for other in events
            if other.pk != event.pk and _PRECISION_RANK[other.precision] >= _PRECISION_RANK[precision]
        ),
        key=lambda o: (abs((o.date - event.date).days), o.date),
    )
    near = [o for o in others if abs((o.date - event.date).days) <= _NEAR_DAYS[precision]]
    far = [o for o in others if o not in near]
    steps = (-1, 1, -2, 2) if precision == DatePrecision.YEAR else (-12, 12, -1, 1, 2)
    candidates = [
        *(_truncate(o.date, precision) for o in near),
        *(_shift(event.date if precision == DatePrecision.DAY else answer, precision, step) for step in steps),
        *(_truncate(o.date, precision) for o in far),
    ]
    picked = []
    for candidate in candidates:
        if candidate not in banned and candidate not in picked:
            picked.append(candidate)
        if len(picked) == count:
            break
    return sorted(picked)


def _span_options(event):
    """A span's right label and three wrong ones, each end moved a step at its own precision."""
    start, end = event.date, event.end_date
    right = event.date_label
    variants = [(_shift(start, event.precision, -1), end), (start, _shift(end, event.end_precision, 1))]
    variants.append((_shift(start, event.precision, 1), _shift(end, event.end_precision, -1)))
    labels = []
    for new_start, new_end in variants:
        if new_end < new_start:
            continue
        label = f"{format_partial_date(new_start, event.precision)}–{format_partial_date(new_end, event.end_precision)}"
        if label != right and label not in labels:
            labels.append(label)
    return right, labels


def timeline_questions(content):
    events = sorted(content.events, key=lambda e: (e.date, e.position, e.slug))
    specs = []
    for event in events:
        if event.is_span:
            right, wrong = _span_options(event)
            prompt = _("According to the article, over which period did this happen: %(title)s?")
        else:
            right = format_partial_date(event.date, event.precision)
            wrong = [format_partial_date(value, event.precision) for value in _date_distractors(event, events)]
            prompt = {
                DatePrecision.YEAR: _("According to the article, in which year did this happen: %(title)s?"),
                DatePrecision.MONTH: _("According to the article, in which month did this happen: %(title)s?"),
                DatePrecision.DAY: _("According to the article, on which day did this happen: %(title)s?"),
            }[event.precision]
        specs.append(
            QuestionSpec(
                generator_key=f"event-date:{event.slug}",
                qtype=QuestionType.SINGLE,
                prompt=prompt % {"title": event.title},
                options=_choice_options(right, wrong),
                explanation=_("%(date)s: %(summary)s") % {"date": event.date_label, "summary": event.summary},
                topic=Topic.TIMELINE,
                kind=event.kind,
                difficulty=Difficulty.EASY if event.precision == DatePrecision.YEAR else Difficulty.MEDIUM,
                citations=_cites(event),
                sources=(event, *_named_in(event.title, content.leaders)),
            )
        )
    specs.extend(_orderings(content, events))
    return specs


def _named_in(text, leaders):
    """The leaders ``text`` names in full ("Death of Yevgeny Prigozhin"): the question is about them too."""
    return [leader for leader in leaders if leader.name in text]


def _ordering_set(events):
    """3 to 5 of ``events`` whose dates all differ at their coarsest precision, spread over the period."""
    chosen = []
    for event in events:
        trial = [*chosen, event]
        precision = _coarsest([e.precision for e in trial])
        dates = [_truncate(e.date, precision) for e in trial]
        if len(set(dates)) == len(dates):
            chosen = trial
    if len(chosen) > 5:
        step = (len(chosen) - 1) / 4
        chosen = [chosen[round(i * step)] for i in range(5)]
    return chosen if len(chosen) >= 3 else []


def _orderings(content, events):
    groups = []
    for country in content.countries:
        groups.append((country, [e for e in events if country in content.usable_countries(e)]))
    for actor in content.actors:
        groups.append((actor, [e for e in events if actor in content.usable_actors(e)]))
    specs, seen = [], set()
    for subject, group in groups:
        chosen = _ordering_set([e for e in group if not e.is_span])
        ids = frozenset(e.pk for e in chosen)
        if not chosen or ids in seen:
            continue
        seen.add(ids)
        precision = _coarsest([e.precision for e in chosen])
        specs.append(
            QuestionSpec(
                generator_key=f"order-events:{subject.slug}",
                qtype=QuestionType.ORDERING,
                prompt=_("Put these events involving %(subject)s in the order they happened, earliest first.")
                % {"subject": subject.name},
                options=tuple(
                    OptionSpec(text=event.title, position=number) for number, event in enumerate(chosen, start=1)
                ),
                explanation=" ".join(
                    _("%(date)s: %(title)s.") % {"date": format_partial_date(e.date, precision), "title": e.title}
                    for e in chosen
                ),
                topic=Topic.TIMELINE,
                kind=StatementKind.FACT,
                difficulty=Difficulty.HARD,
                citations=_cites(*chosen),
                sources=tuple(chosen),
            )
        )
    return specs


# -- key figures -----------------------------------------------------------------------------------


def _display(value, value_high, unit):
    return KeyFigure(value=value, value_high=value_high, unit=unit, qualifier="").display_value


def _is_exact(figure):
    return not figure.qualifier.strip()


def _round_like(value, reference):
    """``value`` with no more significant digits than ``reference`` has (2.5 billion stays 2.5 billion)."""
    if value == 0:
        return value
    digits = max(len(reference.normalize().as_tuple().digits), 1)
    exponent = value.adjusted() - digits + 1
    quantum = Decimal(1).scaleb(exponent)
    rounded = value.quantize(quantum).normalize()
    return rounded if rounded > 0 else value


def _figure_distractors(figure, figures, count=CHOICES - 1):
    """Wrong values of the same unit and scale: other figures of that unit, then near or scaled values.

    Other figures count when within a factor of 4 (any percentage counts: they share a scale). Small
    whole numbers (up to 100: ages, counts, months) move by one or two; larger ones and ranges are
    scaled (x2, x1/2, x1.5, x10, x1/10), rounded to the answer's significant digits. Never the
    answer (or its range), never a percentage above 100 unless the answer is, never a fraction
    where the answer is a whole number.
    """
    low = figure.value
    high = figure.value_high
    is_range = high is not None
    integral = low == low.to_integral_value() and (not is_range or high == high.to_integral_value())
    top = high if is_range else low

    def fits(pair):
        value, value_high = pair
        if value <= 0 or (value, value_high) == (low, high):
            return False
        if not is_range and (value == low or (integral and value != value.to_integral_value())):
            return False
        return not (figure.unit == "%" and top <= 100 and (value_high or value) > 100)

    candidates = []
    if not is_range:
        for other in sorted(
            (o for o in figures if o.pk != figure.pk and o.unit == figure.unit and o.value_high is None),
            key=lambda o: (abs(o.value - low), o.position),
        ):
            if figure.unit == "%" or (low and Decimal("0.25") <= other.value / low <= 4):
                candidates.append((other.value, None))
        if integral and low <= 100:
            candidates.extend((low + step, None) for step in (1, -1, 2, -2, 3))
    factors = (Decimal(2), Decimal("0.5"), Decimal("1.5"), Decimal(10), Decimal("0.1"))
    for factor in factors:
        scaled = _round_like(low * factor, low)
        candidates.append((scaled, _round_like(high * factor, high) if is_range else None))
    picked = []
    for value, value_high in candidates:
        pair = (value.normalize(), value_high.normalize() if value_high is not None else None)
        if fits(pair) and pair not in picked:
            picked.append(pair)
        if len(picked) == count:
            break
    return sorted(picked)


def _tolerance(figure):
    """0 for a figure given exactly; 10% of the value for "about", "an estimated", "perhaps"..."""
    if _is_exact(figure):
        return Decimal(0)
    return _round_like(figure.value / 10, figure.value)


def figure_questions(content):
    specs = []
    for figure in content.figures:
        explanation = _("The article gives %(value)s: %(context)s") % {
            "value": figure.display_value,
            "context": figure.context,
        }
        if figure.value_high is None:
            specs.append(
                QuestionSpec(
                    generator_key=f"figure-value:{figure.slug}",
                    qtype=QuestionType.NUMERIC,
                    prompt=_("%(label)s: what number does the article give?") % {"label": figure.label},
                    numeric_answer=figure.value,
                    tolerance=_tolerance(figure),
                    unit=figure.unit,
                    explanation=explanation,
                    topic=Topic.FIGURES,
                    kind=figure.kind,
                    difficulty=Difficulty.HARD,
                    citations=_cites(figure),
                    sources=(figure,),
                )
            )
        else:
            # A range: any number inside it is right.
            specs.append(
                QuestionSpec(
                    generator_key=f"figure-value:{figure.slug}",
                    qtype=QuestionType.NUMERIC,
                    prompt=_("%(label)s: give a number within the range the article gives.") % {"label": figure.label},
                    numeric_answer=(figure.value + figure.value_high) / 2,
                    tolerance=(figure.value_high - figure.value) / 2,
                    unit=figure.unit,
                    explanation=explanation,
                    topic=Topic.FIGURES,
                    kind=figure.kind,
                    difficulty=Difficulty.HARD,
                    citations=_cites(figure),
                    sources=(figure,),
                )
            )
        wrong = _figure_distractors(figure, content.figures)
        if len(wrong) >= 2:
            specs.append(
                QuestionSpec(
                    generator_key=f"figure-choice:{figure.slug}",
                    qtype=QuestionType.SINGLE,
                    prompt=_("%(label)s: which figure does the article give?") % {"label": figure.label},
                    options=_choice_options(
                        _display(figure.value, figure.value_high, figure.unit),
                        [_display(value, high, figure.unit) for value, high in wrong],
                    ),
                    explanation=explanation,
                    topic=Topic.FIGURES,
                    kind=figure.kind,
                    difficulty=Difficulty.MEDIUM,
                    citations=_cites(figure),
                    sources=(figure,),
                )
            )
    return specs


# -- concepts and FAQ ------------------------------------------------------------------------------


def concept_questions(content):
    concepts = sorted(content.concepts, key=lambda c: (c.position, c.slug))
    terms = [concept.term for concept in concepts]
    specs = []
    for concept in concepts:
        cited = fold(" ".join(paragraph.text for paragraph in concept.citations.all()))
        # The article must use the term itself (the question says it does), and the definition
        # must not give it away.
        if fold(concept.term) not in cited or _mentions(concept.definition, concept.term) or len(concepts) < CHOICES:
            continue
        wrong = _rotate(terms, concept.term, CHOICES - 1)
        explanation = concept.in_the_article or concept.definition
        specs.append(
            QuestionSpec(
                generator_key=f"concept-term:{concept.slug}",
                qtype=QuestionType.SINGLE,
                prompt=_("Which term does the article use for this? %(definition)s")
                % {"definition": concept.definition},
                options=_choice_options(concept.term, wrong),
                explanation=_("%(term)s. %(use)s") % {"term": concept.term, "use": explanation},
                topic=Topic.CONCEPTS,
                kind=concept.kind,
                difficulty=Difficulty.MEDIUM,
                citations=_cites(concept),
                sources=(concept,),
            )
        )
    return specs


def faq_questions(content):
    entries = [entry for entry in content.faq if entry.question and entry.answer]
    specs = []
    if len(entries) < 2:
        return specs
    answers = [entry.answer for entry in entries]
    for entry in entries:
        specs.append(
            QuestionSpec(
                generator_key=f"faq-answer:{entry.slug}",
                qtype=QuestionType.SINGLE,
                prompt=_("The article's FAQ asks: “%(question)s” Which is its answer?") % {"question": entry.question},
                options=_choice_options(entry.answer, _rotate(answers, entry.answer, CHOICES - 1)),
                explanation=_("The FAQ answers: %(answer)s") % {"answer": entry.answer},
                topic=Topic.FAQ,
                kind=entry.kind,
                difficulty=Difficulty.MEDIUM,
                citations=_cites(entry),
                sources=(entry,),
            )
        )
    return specs


# -- actors ----------------------------------------------------------------------------------------


def _type_distractors(actor_type, count=CHOICES - 1):
    family = next((group for group in CONFUSABLE_TYPES if actor_type in group), ())
    ordered = [t for t in family if t != actor_type] + [t for t in ActorType if t not in family]
    return ordered[:count]


def actor_questions(content):
    specs = []
    actors = content.actors
    for actor in actors:
        right = str(ActorType(actor.actor_type).label)
        wrong = [str(t.label) for t in _type_distractors(actor.actor_type)]
        explanation = _("%(name)s, in the article: %(summary)s") % {"name": actor.name, "summary": actor.summary}
        specs.append(
            QuestionSpec(
                generator_key=f"actor-type:{actor.slug}",
                qtype=QuestionType.SINGLE,
                prompt=_("%(name)s: what kind of actor is it, in the article?") % {"name": actor.name},
                options=_choice_options(right, wrong),
                explanation=explanation,
                topic=Topic.ACTORS,
                kind=StatementKind.FACT,
                difficulty=Difficulty.EASY,
                citations=_cites(actor),
                sources=(actor,),
            )
        )
        short = actor.short_name.strip()
        cited = " ".join(p.text for p in actor.citations.all())
        if short and short != actor.name and short.isupper() and re.search(rf"\b{re.escape(short)}\b", cited):
            specs.append(
                QuestionSpec(
                    generator_key=f"actor-abbreviation:{actor.slug}",
                    qtype=QuestionType.SHORT_ANSWER,
                    prompt=_("Type the abbreviation the article uses for %(name)s.") % {"name": actor.name},
                    options=(OptionSpec(text=short, is_correct=True, position=1),),
                    explanation=_("The article writes %(name)s as %(short)s.") % {"name": actor.name, "short": short},
                    topic=Topic.ACTORS,
                    kind=StatementKind.FACT,
                    difficulty=Difficulty.MEDIUM,
                    citations=_cites(actor),
                    sources=(actor,),
                )
            )
    specs.extend(_alliance_members(content))
    specs.extend(_actor_matchings(actors))
    return specs


def _alliance_members(content):
    """Which countries make up an alliance? Wrong: the other states the article names (Nigeria, Chad...)."""
    specs = []
    outsiders = _states_named_together(content.actors)
    for alliance in content.actors:
        members = content.usable_countries(alliance)
        if alliance.actor_type != ActorType.ALLIANCE or len(members) < 2:
            continue
        member_names = {country.name for country in members}
        wrong = [state for state in outsiders if state.name not in member_names][:3]
        if len(wrong) < 2:
            continue
        options = [OptionSpec(text=c.name, is_correct=True, position=n) for n, c in enumerate(members, start=1)]
        options += [
            OptionSpec(
                text=state.name, position=n, feedback=_("Not a member: %(summary)s") % {"summary": state.summary}
            )
            for n, state in enumerate(wrong, start=len(members) + 1)
        ]
        specs.append(
            QuestionSpec(
                generator_key=f"alliance-members:{alliance.slug}",
                qtype=QuestionType.MULTIPLE,
                prompt=_("Which countries make up the %(name)s? Choose all that apply.") % {"name": alliance.name},
                options=tuple(options),
                explanation=alliance.summary,
                topic=Topic.ACTORS,
                kind=StatementKind.FACT,
                difficulty=Difficulty.EASY,
                citations=_cites(alliance, *wrong),
                sources=(alliance, *members, *wrong),
            )
        )
    return specs


def _states_named_together(actors):
    """States outside the alliances that the article names together (the largest group citing one paragraph).

    Those are the countries a student may take for members; a ministry or a patron state is not.
    """
    by_paragraph = {}
    for actor in actors:
        if actor.actor_type != ActorType.STATE or list(actor.countries.all()):
            continue
        for paragraph in actor.citations.all():
            by_paragraph.setdefault(paragraph.pk, []).append(actor)
    groups = sorted(by_paragraph.values(), key=len, reverse=True)
    return groups[0] if groups and len(groups[0]) >= 2 else []


def _actor_matchings(actors):
    """Actors to what they are: the most cited actor of each type, in groups of four, confusable families together."""
    by_type = {}
    for actor in actors:  # the most cited actor of each type: the one the article makes most of
        best = by_type.get(actor.actor_type)
        if best is None or len(actor.citations.all()) > len(best.citations.all()):
            by_type[actor.actor_type] = actor
    ordered = [by_type[t] for family in CONFUSABLE_TYPES for t in family if t in by_type]
    ordered += [actor for t, actor in by_type.items() if actor not in ordered]
    specs = []
    for number, start in enumerate(range(0, len(ordered), 4), start=1):
        group = ordered[start : start + 4]
        if len(group) < 3:
            break
        specs.append(
            QuestionSpec(
                generator_key=f"match-actor-types:{number}",
                qtype=QuestionType.MATCHING,
                prompt=_("Match each actor to what it is."),
                options=tuple(
                    OptionSpec(text=actor.name, match=str(ActorType(actor.actor_type).label), position=n)
                    for n, actor in enumerate(group, start=1)
                ),
                explanation=" ".join(_first_sentence(actor.summary) for actor in group),
                topic=Topic.ACTORS,
                kind=StatementKind.FACT,
                difficulty=Difficulty.MEDIUM,
                citations=_cites(*group),
                sources=tuple(group),
            )
        )
    return specs


# -- which kind of statement -----------------------------------------------------------------------


def _kind_options(kind):
    return tuple(
        OptionSpec(
            kind=value,
            is_correct=value == kind,
            position=number,
            feedback="" if value == kind else _(_KIND_FEEDBACK[value]),
        )
        for number, value in enumerate(ARTICLE_KINDS, start=1)
    )


def _kind_question(key, statement, kind, item, topic, citations):
    return QuestionSpec(
        generator_key=key,
        qtype=QuestionType.STATEMENT_KIND,
        prompt=_("What kind of statement is this, as the article makes it?"),
        statement=statement,
        options=_kind_options(kind),
        explanation=_("%(why)s Cited: %(paragraphs)s.")
        % {"why": _(_KIND_EXPLANATIONS[kind]), "paragraphs": "; ".join(str(p.label) for p in citations)},
        topic=topic,
        kind=kind,
        difficulty=Difficulty.MEDIUM if kind == StatementKind.FACT else Difficulty.HARD,
        citations=citations,
        sources=(item,),
    )


def statement_kind_questions(content):
    specs = [
        _kind_question(
            f"statement-kind:takeaway:{takeaway.slug}",
            takeaway.text,
            takeaway.kind,
            takeaway,
            Topic.ARGUMENTS,
            _cites(takeaway),
        )
        for takeaway in content.takeaways
        if takeaway.text.strip()
    ]
    for leader in _heads(content):
        for name, kind in Leader.FIELD_KINDS.items():
            text = getattr(leader, name).strip()
            if text and name in ("outlook", "key_quote"):
                statement = (
                    _("%(leader)s: %(quote)s") % {"leader": leader, "quote": text} if name == "key_quote" else text
                )
                specs.append(
                    _kind_question(
                        f"statement-kind:leader:{leader.slug}:{name}",
                        statement,
                        kind,
                        leader,
                        Topic.LEADERS,
                        _cites(leader),
                    )
                )
    return specs


BUILDERS = (
    leader_questions,
    country_questions,
    timeline_questions,
    figure_questions,
    concept_questions,
    faq_questions,
    actor_questions,
    statement_kind_questions,
)


def build_questions(content):
    """Every question the content makes, in a fixed order; keys are unique."""
    specs = [spec for builder in BUILDERS for spec in builder(content)]
    keys = [spec.generator_key for spec in specs]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:  # pragma: no cover - a builder bug, caught by the tests
        raise ValueError(f"Two generated questions share a key: {sorted(duplicates)}")
    return specs
