"""The question bank: questions made from the article's content, with their options and sources.

Design
======

**One ``Question``, a type choice, option rows** (as pretalx models variable questions). A
question's answer key lives in ``AnswerOption`` rows, whatever the type:

- single answer, multiple answers, true/false: one row per choice, ``is_correct`` on the right
  one(s), ``feedback`` on each wrong one;
- which kind of statement: one row per kind from the article (``ARTICLE_KINDS``, never
  background), the right one being the question's own ``kind``; the sentence to classify is
  ``Question.statement`` and its paragraph is the question's citation;
- ordering: one row per item, ``position`` is the item's place in the correct order;
- matching: one row per pair, ``text`` on the left (a leader) and ``match`` on the right (a
  country); a row with an empty ``text`` is an extra right-hand distractor;
- short answer (cloze): one row per accepted variant (``is_correct``), plus wrong answers an
  editor anticipates, each with its feedback;
- numeric: no rows; ``numeric_answer``, ``tolerance`` (absolute) and ``unit`` on the question.

So a later ``Attempt`` stores one ``Response`` row per answer given, with an M2M to the options
chosen (choices, which-kind), a through row per pair or per place (matching, ordering), or the
typed text/number: never a list in a text field. A later ``ReviewState`` (FSRS) is one row per
user and question: nothing here is per type.

**Where a question comes from: ``QuestionSource`` rows, one nullable foreign key per derived
model.** Not a GenericForeignKey: each FK has integrity (``PROTECT``: an item cannot be deleted
while a question is built on it, the admin says which), and a CheckConstraint makes exactly one of
them set per row. Rows, not a FK on the question, because ordering and matching questions are made
from several items (four timeline events, three leaders). Each row keeps the item's
``content_fingerprint()`` as it was when the question was written or last re-published, so "has
the item changed since?" is answerable even for an edit that bypassed the workflow.

**Needs review.** An edit to a source item, or to a cited paragraph, calls
``quizzes.actions.flag_questions_for_review``: the questions get the status ``needs_review``
(``QuestionQuerySet.usable()``, which quizzes and study draw from, is only ``published``), and a
``ReviewFlag`` row says what changed and why; the flags stay open until an editor re-publishes the
question (``quizzes.actions.publish_questions``), which closes them and refreshes the sources'
fingerprints.

**Validation in one place per rule.** A question's own row is checked in ``clean()`` and by
database constraints (numeric answer and tolerance, a which-kind sentence, an explanation when
published). Rules across rows (exactly one right option...) need the options and citations as they
are about to be saved, which the admin has only in its formsets: ``Question.option_errors(options)``
and ``Question.citation_errors(citations)`` take them as arguments; the admin's inline formset and
form call them with the submitted rows, ``Question.check_complete()`` with the saved ones (before
publishing).

**Generator.** ``generator_key`` (unique when set) is the idempotency key a generator gives each
question it makes (e.g. ``leader-country:assimi-goita``); ``generated_fingerprint`` is the
question's own ``content_fingerprint()`` as generated, so a re-run can tell an editor's change
(fingerprint differs: leave it) from an untouched question (may be regenerated).
"""

import collections
import datetime
import functools
import hashlib
import json
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from briefings.models import (
    ARTICLE_KIND_CHOICES,
    ARTICLE_KINDS,
    Actor,
    Concept,
    Country,
    FaqEntry,
    KeyFigure,
    Leader,
    Paragraph,
    Section,
    SourceReference,
    StatementKind,
    Takeaway,
    TimelineEvent,
)
from sahel_learn.accounts.roles import is_trainer
from sahel_learn.prepared import Prepared, prefetched

from . import grading
from .grading import InvalidResponse, OptionData, QuestionData, cbm_mark, fold, matching_option, parse_number


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single answer")
    MULTIPLE = "multiple", _("Multiple answers")
    TRUE_FALSE = "true_false", _("True or false")
    NUMERIC = "numeric", _("Numeric")
    ORDERING = "ordering", _("Put in order")
    MATCHING = "matching", _("Matching")
    SHORT_ANSWER = "short_answer", _("Short answer")
    STATEMENT_KIND = "statement_kind", _("Which kind of statement")


# Types whose answer is a choice among option rows.
CHOICE_TYPES = frozenset(
    {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.STATEMENT_KIND}
)


class Topic(models.TextChoices):
    LEADERS = "leaders", _("Leaders")
    TIMELINE = "timeline", _("Timeline")
    FIGURES = "figures", _("Key figures")
    CONCEPTS = "concepts", _("Concepts")
    ACTORS = "actors", _("Actors")
    FAQ = "faq", _("Frequently asked questions")
    ARGUMENTS = "arguments", _("Arguments")


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    NEEDS_REVIEW = "needs_review", _("Needs review")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=QuestionStatus.PUBLISHED)

    def drafts(self):
        return self.filter(status=QuestionStatus.DRAFT)

    def needs_review(self):
        return self.filter(status=QuestionStatus.NEEDS_REVIEW)

    def usable(self):
        """What quizzes and study may draw from: published questions only (never drafts or flagged ones)."""
        return self.published()

    def for_section(self, section):
        return self.filter(sections=section)

    def for_topic(self, topic):
        return self.filter(topic=topic)

    def of_type(self, qtype):
        return self.filter(qtype=qtype)

    def about_country(self, country):
        """Questions made from ``country`` or from what is about it: its leaders, figures and actors,
        and the events about it (the timeline's own rule, ``TimelineEvent.objects.about``)."""
        about = (
            Q(country=country)
            | Q(leader__country=country)
            | Q(key_figure__country=country)
            | Q(actor__countries=country)
            | Q(timeline_event__in=TimelineEvent.objects.about(country))
        )
        return self.filter(pk__in=QuestionSource.objects.filter(about).values("question"))

    def testing_kind(self, kind):
        return self.filter(kind=kind)

    def citing(self, paragraph):
        return self.filter(citations=paragraph)

    def made_from(self, item):
        """Questions with ``item`` (any derived content item) among their sources."""
        return self.filter(**{f"sources__{QuestionSource.field_for(item)}": item})

    def with_answer_key(self):
        """Options, sources and citations prefetched: for grading, the admin and the preview."""
        return self.prefetch_related(
            "options",
            models.Prefetch("citations", queryset=Paragraph.objects.select_related("section")),
            "sections",
        )

    def with_sources(self):
        """Sources with their items, and what the items' fingerprints read, prefetched."""
        joined, lookups = [], []
        for model, name in ITEM_FIELDS.items():
            joined.append(name)
            joined.extend(
                f"{name}__{field}" for field in model.fingerprint_fields if model._meta.get_field(field).is_relation
            )
            lookups.append(f"sources__{name}__citations")
            lookups.extend(f"sources__{name}__{relation}" for relation in model.fingerprint_relations)
        sources = QuestionSource.objects.select_related(*joined)
        return self.prefetch_related(models.Prefetch("sources", queryset=sources), *lookups)

    def unpublish(self):
        """Published questions back to draft, recorded in their history; returns how many changed."""
        rows = list(self.published().prefetch_related(None))
        now = timezone.now()
        for row in rows:
            row.status, row.updated_at = QuestionStatus.DRAFT, now
        if rows:
            bulk_update_with_history(
                rows, Question, ["status", "updated_at"], batch_size=500, default_change_reason="Unpublished"
            )
        return len(rows)


class Question(models.Model):
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices, db_index=True)
    prompt = models.TextField(_("prompt"), help_text=_("The question as the student reads it."))
    statement = models.TextField(
        _("statement to classify"),
        blank=True,
        help_text=_("Which-kind questions only: the sentence the student classifies, from the cited paragraph."),
    )
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after answering; required to publish.")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, db_index=True)
    sections = models.ManyToManyField(Section, blank=True, related_name="questions", verbose_name=_("article sections"))
    citations = models.ManyToManyField(
        Paragraph, blank=True, related_name="cited_by_question", verbose_name=_("cited paragraphs")
    )
    kind = models.CharField(
        _("kind of statement tested"),
        max_length=10,
        choices=ARTICLE_KIND_CHOICES,
        default=StatementKind.FACT,
        db_index=True,
        help_text=_("For which-kind questions, the right answer."),
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT, db_index=True
    )
    numeric_answer = models.DecimalField(
        _("numeric answer"), max_digits=20, decimal_places=4, null=True, blank=True, help_text=_("Numeric only.")
    )
    tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Numeric only: an answer within this distance of the value is right (0 for exactly)."),
    )
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_('Numeric only: "%", "troops", "USD"... shown beside the box.')
    )
    generator_key = models.CharField(
        _("generator key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Set by the question generator: the same key on every run for the same question."),
    )
    generated_fingerprint = models.CharField(_("fingerprint as generated"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[sections, citations])

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(qtype=QuestionType.NUMERIC) | Q(numeric_answer__isnull=False, tolerance__isnull=False),
                name="question_numeric_has_value_and_tolerance",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="question_tolerance_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(qtype=QuestionType.STATEMENT_KIND) | ~Q(statement=""),
                name="question_statement_kind_has_statement",
            ),
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.PUBLISHED) | ~Q(explanation=""),
                name="question_published_has_explanation",
            ),
            models.CheckConstraint(
                condition=~Q(prompt=""),
                name="question_has_prompt",
            ),
        ]

    def __str__(self):
        return self.prompt if len(self.prompt) <= 80 else self.prompt[:79].rsplit(" ", 1)[0] + "…"

    def is_published(self):
        return self.status == QuestionStatus.PUBLISHED

    # -- validation ---------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.qtype == QuestionType.NUMERIC:
            if self.numeric_answer is None:
                errors["numeric_answer"] = _("A numeric question needs its answer.")
            if self.tolerance is None:
                errors["tolerance"] = _("A numeric question needs a tolerance (0 for an exact answer).")
        if self.tolerance is not None and self.tolerance < 0:
            errors["tolerance"] = _("The tolerance cannot be negative.")
        if self.qtype == QuestionType.STATEMENT_KIND and not self.statement.strip():
            errors["statement"] = _("A which-kind question needs the sentence to classify.")
        if self.status == QuestionStatus.PUBLISHED and not self.explanation.strip():
            errors["explanation"] = _("A published question needs an explanation, shown after answering.")
        if errors:
            raise ValidationError(errors)

    def option_errors(self, options):
        """What is wrong with ``options`` (AnswerOption instances, saved or not) for this type: a list of messages."""
        qtype, errors = self.qtype, []
        right = [option for option in options if option.is_correct]
        count = len(options)
        if qtype == QuestionType.SINGLE:
            if count < 2:
                errors.append(_("A single-answer question needs at least two options."))
            if len(right) != 1:
                errors.append(_("A single-answer question needs exactly one right option."))
        elif qtype == QuestionType.MULTIPLE:
            if count < 2:
                errors.append(_("A multiple-answer question needs at least two options."))
            if not right:
                errors.append(_("A multiple-answer question needs at least one right option."))
        elif qtype == QuestionType.TRUE_FALSE:
            if count != 2:
                errors.append(_("A true-or-false question has exactly two options."))
            if len(right) != 1:
                errors.append(_("A true-or-false question needs exactly one right option."))
        elif qtype == QuestionType.STATEMENT_KIND:
            kinds = [option.kind for option in options]
            if sorted(kinds) != sorted(kind.value for kind in ARTICLE_KINDS):
                errors.append(_("A which-kind question has one option for each kind of statement, and no other."))
            if [option.kind for option in right] != [self.kind]:
                errors.append(_("The right option of a which-kind question is the kind of statement it tests."))
        elif qtype == QuestionType.ORDERING:
            if count < 3:
                errors.append(_("An ordering question needs at least three items."))
            if len({option.position for option in options}) != count:
                errors.append(_("Each item of an ordering question needs its own position."))
        elif qtype == QuestionType.MATCHING:
            pairs = [option for option in options if option.text.strip()]
            if len(pairs) < 2:
                errors.append(_("A matching question needs at least two pairs."))
            if any(not option.match.strip() for option in options):
                errors.append(_("Every row of a matching question needs its match."))
        elif qtype == QuestionType.SHORT_ANSWER:
            if not right:
                errors.append(_("A short-answer question needs at least one accepted answer."))
            folded = [fold(option.text) for option in options]
            if any(not text for text in folded):
                errors.append(_("An answer of a short-answer question must contain letters or digits."))
            elif len(set(folded)) != len(folded):
                errors.append(
                    _("Two answers of this short-answer question are the same once case and accents are ignored.")
                )
        elif qtype == QuestionType.NUMERIC and count:
            errors.append(_("A numeric question has no options: its answer is the numeric answer."))
        if qtype not in (QuestionType.STATEMENT_KIND, QuestionType.NUMERIC, QuestionType.MATCHING) and any(
            not option.text.strip() for option in options
        ):
            errors.append(_("Every option needs its text."))
        return errors

    def citation_errors(self, citations, *, status=None):
        """What is wrong with ``citations`` (paragraphs) for this question, published as ``status``."""
        status = status or self.status
        errors = []
        if self.qtype == QuestionType.STATEMENT_KIND and not citations:
            errors.append(_("A which-kind question needs the cited paragraph its sentence comes from."))
        elif status == QuestionStatus.PUBLISHED and not citations:
            errors.append(_("A published question needs at least one cited paragraph."))
        return errors

    def check_complete(self, *, status=None):
        """Raise ValidationError unless the saved question, its options and citations could be ``status``."""
        original = self.status
        self.status = status or self.status
        try:
            messages = []
            try:
                self.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                messages.extend(message for messages_ in error.message_dict.values() for message in messages_)
            messages.extend(self.option_errors(list(self.options.all())))
            messages.extend(self.citation_errors(list(self.citations.all())))
        finally:
            self.status = original
        if messages:
            raise ValidationError(messages)

    # -- answering --------------------------------------------------------------------------------

    def grading_data(self):
        """The question as ``quizzes.grading.score`` reads it (uses prefetched options)."""
        return QuestionData(
            qtype=self.qtype,
            options=tuple(
                OptionData(
                    id=option.pk,
                    text=option.text,
                    is_correct=option.is_correct,
                    position=option.position,
                    match=option.match,
                    kind=option.kind,
                )
                for option in self.options.all()
            ),
            numeric_answer=self.numeric_answer,
            tolerance=self.tolerance or Decimal(0),
            unit=self.unit,
            kind=self.kind,
        )

    def right_options(self):
        return [option for option in self.options.all() if option.is_correct]

    def shown_order(self, options, *, shuffle, rng):
        """The (option, column) pairs of this question in the order a student is shown them.

        ``options`` are its ``AnswerOption`` rows; ``rng`` draws the order (an attempt's system
        random, a study card's generator seeded by its review). Typed answers show nothing (their
        options are the answer key); ordering items are always shuffled and never shown in the right
        order; matching shows its items (shuffled if ``shuffle``) and, on the right, each distinct
        answer once in alphabetical order, unrelated to the items; single and multiple answers are
        shuffled if ``shuffle``; the rest keep their order.
        """
        options = sorted(options, key=lambda option: (option.position, option.pk))
        item, match = AttemptOption.Column.ITEM, AttemptOption.Column.MATCH
        if self.qtype in (QuestionType.NUMERIC, QuestionType.SHORT_ANSWER):
            return []
        if self.qtype == QuestionType.ORDERING:
            order = list(options)
            while len(order) > 1 and order == options:
                rng.shuffle(order)
            return [(option, item) for option in order]
        if self.qtype == QuestionType.MATCHING:
            stems = [option for option in options if option.text]
            if shuffle:
                rng.shuffle(stems)
            answers, seen = [], set()
            for option in options:
                if option.match not in seen:
                    seen.add(option.match)
                    answers.append(option)
            answers.sort(key=lambda option: fold(option.match))
            return [(option, item) for option in stems] + [(option, match) for option in answers]
        if shuffle and self.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            rng.shuffle(options)
        return [(option, item) for option in options]

    def matches(self):
        """The right-hand side of a matching question: each distinct match, in option order."""
        seen = []
        for option in self.options.all():
            if option.match and option.match not in seen:
                seen.append(option.match)
        return seen

    def open_flags(self):
        return [flag for flag in self.review_flags.all() if flag.resolved_at is None]

    # -- generator --------------------------------------------------------------------------------

    # What an editor may change, and so what ``content_fingerprint`` covers.
    FINGERPRINT_FIELDS = (
        "qtype",
        "prompt",
        "statement",
        "explanation",
        "topic",
        "kind",
        "difficulty",
        "numeric_answer",
        "tolerance",
        "unit",
    )

    def content_fingerprint(self):
        """SHA-256 of what an editor may change: the question, its options, sections and citations.

        Reads the options, sections and citations through ``.all()``, so prefetching them (as
        ``with_answer_key()`` does) makes it query-free.
        """
        options = sorted(self.options.all(), key=lambda o: (o.position, o.pk or 0))
        return question_fingerprint(
            {name: getattr(self, name) for name in self.FINGERPRINT_FIELDS},
            options=[[o.text, o.is_correct, o.position, o.match, o.kind, o.feedback] for o in options],
            sections=[section.slug for section in self.sections.all()],
            citations=[paragraph.anchor for paragraph in self.citations.all()],
        )

    def is_edited_since_generation(self):
        return bool(self.generated_fingerprint) and self.generated_fingerprint != self.content_fingerprint()


def question_fingerprint(fields, *, options, sections, citations):
    """The fingerprint of a question given as plain values (``Question.content_fingerprint``, the generator).

    ``fields`` maps each of ``Question.FINGERPRINT_FIELDS`` to its value; ``options`` is a list of
    ``[text, is_correct, position, match, kind, feedback]`` in position order; ``sections`` and
    ``citations`` are slugs and anchors in any order. Decimals count by value (5000 and 5000.0000
    are the same answer), so a question read back from the database matches its spec.
    """

    def plain(value):
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return str(value)

    data = {name: plain(value) for name, value in fields.items()}
    data["options"] = [list(option) for option in options]
    data["sections"] = sorted(sections)
    data["citations"] = sorted(citations)
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AnswerOption(models.Model):
    """One choice, item, pair or accepted answer of a question (see the module docstring per type)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question"))
    text = models.CharField(_("text"), max_length=500, blank=True)
    is_correct = models.BooleanField(_("right answer"), default=False)
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("Display order; for ordering questions, the item's place in the right order."),
    )
    match = models.CharField(
        _("match"), max_length=300, blank=True, help_text=_("Matching questions: what the text is matched to.")
    )
    kind = models.CharField(
        _("kind of statement"),
        max_length=10,
        choices=ARTICLE_KIND_CHOICES,
        blank=True,
        help_text=_("Which-kind questions: the kind this option names."),
    )
    feedback = models.TextField(_("feedback"), blank=True, help_text=_("Shown to a student who picks this option."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="answeroption_unique_position"),
            models.UniqueConstraint(
                fields=["question", "kind"], condition=~Q(kind=""), name="answeroption_unique_kind"
            ),
            models.CheckConstraint(condition=~Q(text="") | ~Q(kind="") | ~Q(match=""), name="answeroption_not_empty"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """What the student reads: the kind's (translated) name for which-kind options, else the text."""
        if self.kind and not self.text:
            return str(StatementKind(self.kind).label)
        return self.text


# Derived model -> the field of QuestionSource holding it; one nullable FK each.
ITEM_FIELDS = {
    Country: "country",
    Actor: "actor",
    Leader: "leader",
    TimelineEvent: "timeline_event",
    KeyFigure: "key_figure",
    Concept: "concept",
    Takeaway: "takeaway",
    FaqEntry: "faq_entry",
    SourceReference: "source_reference",
}


def _exactly_one_item():
    names = list(ITEM_FIELDS.values())
    return Q(
        *[Q(**{f"{name}__isnull": name != chosen for name in names}) for chosen in names],
        _connector=Q.OR,
    )


class QuestionSource(models.Model):
    """One content item a question is made from: exactly one of the foreign keys is set."""

    ITEM_FIELDS = ITEM_FIELDS

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="sources", verbose_name=_("question"))
    country = models.ForeignKey(Country, models.PROTECT, null=True, blank=True, related_name="question_sources")
    actor = models.ForeignKey(Actor, models.PROTECT, null=True, blank=True, related_name="question_sources")
    leader = models.ForeignKey(Leader, models.PROTECT, null=True, blank=True, related_name="question_sources")
    timeline_event = models.ForeignKey(
        TimelineEvent, models.PROTECT, null=True, blank=True, related_name="question_sources"
    )
    key_figure = models.ForeignKey(KeyFigure, models.PROTECT, null=True, blank=True, related_name="question_sources")
    concept = models.ForeignKey(Concept, models.PROTECT, null=True, blank=True, related_name="question_sources")
    takeaway = models.ForeignKey(Takeaway, models.PROTECT, null=True, blank=True, related_name="question_sources")
    faq_entry = models.ForeignKey(FaqEntry, models.PROTECT, null=True, blank=True, related_name="question_sources")
    source_reference = models.ForeignKey(
        SourceReference, models.PROTECT, null=True, blank=True, related_name="question_sources"
    )
    item_fingerprint = models.CharField(
        _("item fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The item's content fingerprint when the question was written or last published."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "pk"]
        verbose_name = _("question source")
        verbose_name_plural = _("question sources")
        constraints = [
            models.CheckConstraint(condition=_exactly_one_item(), name="questionsource_exactly_one_item"),
            *[
                models.UniqueConstraint(
                    fields=["question", name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"questionsource_unique_{name}",
                )
                for name in ITEM_FIELDS.values()
            ],
        ]

    def __str__(self):
        item = self.item
        return f"{item._meta.verbose_name}: {item}" if item is not None else "—"

    @classmethod
    def field_for(cls, item):
        """The field name holding items of ``item``'s model (an instance or a model class)."""
        model = item if isinstance(item, type) else type(item)
        try:
            return cls.ITEM_FIELDS[model]
        except KeyError:
            raise TypeError(f"{model.__name__} is not a content item a question can be made from") from None

    @classmethod
    def for_item(cls, item, **kwargs):
        """An unsaved source row for ``item``, with the item's current fingerprint."""
        return cls(**{cls.field_for(item): item}, item_fingerprint=item.content_fingerprint(), **kwargs)

    @property
    def item(self):
        for name in self.ITEM_FIELDS.values():
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None

    def clean(self):
        super().clean()
        chosen = [name for name in self.ITEM_FIELDS.values() if getattr(self, f"{name}_id") is not None]
        if len(chosen) != 1:
            raise ValidationError(_("Choose exactly one content item for each source."))

    def is_stale(self):
        """Has the item changed since the question was written or last published?"""
        item = self.item
        return item is not None and self.item_fingerprint != item.content_fingerprint()


class ReviewFlag(models.Model):
    """Why a question needs review: one row per change that flagged it, closed when it is re-published."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="review_flags", verbose_name=_("question")
    )
    reason = models.TextField(_("what changed"))
    paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_flags",
        verbose_name=_("changed paragraph"),
    )
    source = models.ForeignKey(
        QuestionSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_flags",
        verbose_name=_("changed source item"),
    )
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review flag")
        verbose_name_plural = _("review flags")

    def __str__(self):
        return self.reason

    def is_open(self):
        return self.resolved_at is None


# =================================================================================================
# Quizzes and attempts
# =================================================================================================
#
# A ``Quiz`` is a set of rules; its questions are ``QuizQuestion`` rows (a fixed list, with position
# and marks) and/or ``QuizRule`` rows ("draw N usable questions of this topic, section or type"),
# drawn anew for each attempt. An ``Attempt`` keeps what was drawn as ``AttemptQuestion`` rows
# (slots) and, per slot, the order the student sees the options in as ``AttemptOption`` rows, so a
# reload or another device shows the same attempt. The student only ever sees AttemptOption ids,
# never AnswerOption ids (a matching question's right-hand column has its own rows), and ordering
# items are always shuffled, so neither an id nor an order tells the answer. Each answer is one
# ``Response`` per slot with ``ResponseChoice`` rows (a choice, an item at its place, a pair), and
# the typed text or number; the server scores it with ``quizzes.grading``.
#
# Review options are twelve boolean fields: four moments (``ReviewMoment``) × score, right answer,
# feedback (``Quiz.review_shows(moment)``). The workflows live in ``quizzes/actions.py``.


class QuizStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest grade")
    AVERAGE = "average", _("Average grade")
    FIRST = "first", _("First attempt")
    LAST = "last", _("Last attempt")


class Navigation(models.TextChoices):
    FREE = "free", _("Free: questions in any order, going back allowed")
    SEQUENTIAL = "sequential", _("Sequential: in order, no going back")


class FeedbackMode(models.TextChoices):
    DEFERRED = "deferred", _("Deferred: feedback after submitting")
    IMMEDIATE = "immediate", _("Immediate: feedback after each answer")


class TimeoutAction(models.TextChoices):
    SUBMIT = "submit", _("Submit what is there")
    GRACE = "grace", _("A grace period to submit, without answering more")
    DISCARD = "discard", _("Not counted unless submitted in time")


class ReviewMoment(models.TextChoices):
    DURING = "during", _("During the attempt")
    IMMEDIATELY = "immediately", _("Right after the attempt")
    LATER = "later", _("Later, while the quiz is open")
    AFTER_CLOSE = "after_close", _("After the quiz closes")


# "Right after the attempt" lasts this long after submitting (as in Moodle).
IMMEDIATE_REVIEW_WINDOW = datetime.timedelta(minutes=2)

CERTAINTY_CHOICES = [
    (1, _("Unsure (right 1, wrong 0)")),
    (2, _("Mid (right 2, wrong −2)")),
    (3, _("Quite sure (right 3, wrong −6)")),
]


@dataclass(frozen=True)
class ReviewVisibility:
    """What a student may see of an attempt at one moment."""

    score: bool = False
    answer: bool = False
    feedback: bool = False


# What a trainer of the student's class sees of a finished attempt, whatever the review options say.
FULL_REVIEW = ReviewVisibility(score=True, answer=True, feedback=True)


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=QuizStatus.PUBLISHED)

    def visible_to(self, user):
        """Editors (staff) see every quiz; everybody else published ones."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def open_at(self, now):
        return self.published().filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now)
        )

    def with_question_counts(self):
        """Annotate ``fixed_count`` (the fixed list) and ``drawn_count`` (the rules' draws): see ``question_count``."""
        drawn = (
            QuizRule.objects.filter(quiz=OuterRef("pk"))
            .order_by()
            .values("quiz")
            .annotate(total=Sum("count"))
            .values("total")
        )
        return self.annotate(
            fixed_count=Count("quiz_questions", distinct=True),
            drawn_count=Coalesce(Subquery(drawn, output_field=models.IntegerField()), 0),
        )

    def not_open_yet_at(self, now):
        return self.filter(opens_at__gt=now)

    def closed_at(self, now):
        return self.filter(closes_at__lte=now)

    def to_take_by(self, user, now):
        """The open published quizzes ``user`` may still take: one in progress (first), or with attempts left.

        Annotates ``attempts_used`` (every attempt of theirs, as ``start_attempt`` counts them) and
        ``in_progress_id`` (their attempt in progress, or None). One query.
        """
        mine = Attempt.objects.filter(quiz=OuterRef("pk"), user=user)
        used = mine.order_by().values("quiz").annotate(count=Count("pk")).values("count")
        return (
            self.open_at(now)
            .annotate(
                attempts_used=Coalesce(Subquery(used, output_field=models.IntegerField()), 0),
                in_progress_id=Subquery(mine.in_progress().values("pk")[:1]),
            )
            .filter(
                Q(attempts_allowed=0) | Q(attempts_used__lt=F("attempts_allowed")) | Q(in_progress_id__isnull=False)
            )
            .order_by(F("in_progress_id").asc(nulls_last=True), "title", "pk")
        )


def _review_field(moment, what):
    return models.BooleanField(
        format_lazy("{moment}: {what}", moment=ReviewMoment(moment).label, what=what), default=True
    )


class Quiz(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=QuizStatus.choices, default=QuizStatus.DRAFT, db_index=True
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(
        _("shuffle options"), default=True, help_text=_("Ordering items are always shuffled.")
    )
    time_limit = models.DurationField(_("time limit"), null=True, blank=True, help_text=_("Empty for no limit."))
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 for unlimited attempts.")
    )
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The grade, in percent, a student needs to pass. Empty for no pass mark."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    navigation = models.CharField(_("navigation"), max_length=10, choices=Navigation.choices, default=Navigation.FREE)
    feedback_mode = models.CharField(
        _("feedback"), max_length=10, choices=FeedbackMode.choices, default=FeedbackMode.DEFERRED
    )
    allow_retry = models.BooleanField(
        _("retry after feedback"),
        default=False,
        help_text=_("Immediate feedback only: the student may answer a question again after seeing its feedback."),
    )
    timeout_action = models.CharField(
        _("when time runs out"), max_length=10, choices=TimeoutAction.choices, default=TimeoutAction.SUBMIT
    )
    grace_period = models.DurationField(
        _("grace period"),
        null=True,
        blank=True,
        help_text=_("With a grace period: how long to submit after time runs out."),
    )
    certainty_based = models.BooleanField(
        _("certainty-based marking"),
        default=False,
        help_text=_("The student says how sure they are of each answer (1 to 3): right scores 1/2/3, wrong 0/−2/−6."),
    )
    review_during_score = _review_field(ReviewMoment.DURING, _("score"))
    review_during_answer = _review_field(ReviewMoment.DURING, _("right answer"))
    review_during_feedback = _review_field(ReviewMoment.DURING, _("feedback"))
    review_immediately_score = _review_field(ReviewMoment.IMMEDIATELY, _("score"))
    review_immediately_answer = _review_field(ReviewMoment.IMMEDIATELY, _("right answer"))
    review_immediately_feedback = _review_field(ReviewMoment.IMMEDIATELY, _("feedback"))
    review_later_score = _review_field(ReviewMoment.LATER, _("score"))
    review_later_answer = _review_field(ReviewMoment.LATER, _("right answer"))
    review_later_feedback = _review_field(ReviewMoment.LATER, _("feedback"))
    review_after_close_score = _review_field(ReviewMoment.AFTER_CLOSE, _("score"))
    review_after_close_answer = _review_field(ReviewMoment.AFTER_CLOSE, _("right answer"))
    review_after_close_feedback = _review_field(ReviewMoment.AFTER_CLOSE, _("feedback"))
    import_key = models.CharField(
        _("import key"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Set on the quizzes shipped in quizzes/content/quizzes.yaml: the same key on every import."),
    )
    imported_fingerprint = models.CharField(_("fingerprint as imported"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="quiz_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | Q(pass_mark__gte=0, pass_mark__lte=100),
                name="quiz_pass_mark_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=~Q(timeout_action=TimeoutAction.GRACE) | Q(grace_period__isnull=False),
                name="quiz_grace_action_has_grace_period",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The quiz must close after it opens.")
        if self.timeout_action == TimeoutAction.GRACE and not self.grace_period:
            errors["grace_period"] = _("Give the grace period, or choose another rule for when time runs out.")
        if self.time_limit is not None and self.time_limit.total_seconds() <= 0:
            errors["time_limit"] = _("The time limit must be longer than zero.")
        if self.allow_retry and self.feedback_mode != FeedbackMode.IMMEDIATE:
            errors["allow_retry"] = _("A retry needs immediate feedback.")
        if errors:
            raise ValidationError(errors)

    def is_published(self):
        return self.status == QuizStatus.PUBLISHED

    def is_open(self, now):
        return QuizRules.of_quiz(self).is_open(now)

    def is_sequential(self):
        return self.navigation == Navigation.SEQUENTIAL

    def is_immediate(self):
        return self.feedback_mode == FeedbackMode.IMMEDIATE

    def deadline_for(self, started_at):
        """When an attempt started at ``started_at`` must end by the quiz's own rules (``QuizRules.deadline_for``)."""
        return QuizRules.of_quiz(self).deadline_for(started_at)

    def review_shows(self, moment):
        return ReviewVisibility(
            score=getattr(self, f"review_{moment}_score"),
            answer=getattr(self, f"review_{moment}_answer"),
            feedback=getattr(self, f"review_{moment}_feedback"),
        )

    @property
    def question_count(self):
        """How many questions an attempt has at most (from ``with_question_counts()``)."""
        return getattr(self, "fixed_count", 0) + (getattr(self, "drawn_count", 0) or 0)

    def attempts_left(self, used):
        """How many more attempts a student who has made ``used`` may start by the quiz's own rules; None: unlimited."""
        return QuizRules.of_quiz(self).attempts_left(used)

    def rules_for(self, user):
        """``user``'s ``QuizRules`` here: the quiz's own, or its assignment's with their extension (one query)."""
        return QuizRules.of(self, user)

    def standing(self, attempts, now, rules=None):
        """A student's ``QuizStanding`` on this quiz from ``attempts``, all theirs at this quiz, in number order.

        ``rules`` (the student's ``QuizRules``) count the attempts left; without them, the quiz's own.
        """
        rules = rules or QuizRules.of_quiz(self)
        attempts = list(attempts)
        for attempt in attempts:
            attempt.quiz = self
        submitted = [attempt for attempt in attempts if attempt.state == AttemptState.SUBMITTED and attempt.max_score]
        shown = [attempt.percent for attempt in submitted if attempt.shows_score(now)]
        grade = grade_by_method(self.grading_method, shown) if len(shown) == len(submitted) else None
        return QuizStanding(
            used=len(attempts),
            left=rules.attempts_left(len(attempts)),
            in_progress=next((attempt for attempt in attempts if attempt.is_in_progress()), None),
            best=max(shown) if shown else None,
            grade=grade,
            passed=self.passes(grade),
        )

    def passes(self, percent):
        """Does a grade of ``percent`` pass? None when the quiz has no pass mark or there is no grade."""
        if self.pass_mark is None or percent is None:
            return None
        return percent >= self.pass_mark

    def get_absolute_url(self):
        return reverse("quizzes:quiz-detail", args=[self.slug])

    def questions_it_may_hold(self):
        """Every usable question an attempt of this quiz may hold: its fixed list and its rules' candidates."""
        condition = Q(quiz_questions__quiz=self)
        for rule in self.rules.all():
            condition |= rule.question_filter()
        return Question.objects.usable().filter(condition).distinct()

    def draw_pool(self):
        """What an attempt may draw (``DrawPool``): the fixed list's usable questions, each rule's candidates.

        A rule's candidates are the usable questions it accepts, the fixed list's aside; an attempt
        draws each rule's count from them in rule order, never a question twice (``start_attempt``).
        Three queries with rules (four with their sections), one without.
        """
        usable = Question.objects.usable()
        fixed = list(
            self.quiz_questions.filter(question__in=usable).select_related("question").order_by("position", "pk")
        )
        rules = list(self.rules.select_related("section").order_by("position", "pk"))
        if not rules:
            return DrawPool(fixed=fixed, rules=[])
        condition = Q(_connector=Q.OR)
        for rule in rules:
            condition |= rule.question_filter()
        candidates = list(
            usable.filter(condition)
            .exclude(pk__in=[row.question_id for row in fixed])
            .distinct()
            .order_by("pk")
            .prefetch_related(models.Prefetch("sections", queryset=Section.objects.only("pk")))
        )
        pools = []
        for rule in rules:
            accepted = [
                question
                for question in candidates
                if rule.accepts(question, {section.pk for section in question.sections.all()})
            ]
            pools.append((rule, accepted))
        return DrawPool(fixed=fixed, rules=pools)

    # -- the shipped quizzes ------------------------------------------------------------------------

    # What the quizzes file (and an editor) sets, and so what ``content_fingerprint`` covers.
    FINGERPRINT_FIELDS = (
        "title",
        "slug",
        "description",
        "status",
        "shuffle_questions",
        "shuffle_options",
        "time_limit",
        "attempts_allowed",
        "grading_method",
        "pass_mark",
        "opens_at",
        "closes_at",
        "navigation",
        "feedback_mode",
        "allow_retry",
        "timeout_action",
        "grace_period",
        "certainty_based",
        *(
            f"review_{moment}_{what}"
            for moment in ("during", "immediately", "later", "after_close")
            for what in ("score", "answer", "feedback")
        ),
    )

    def content_fingerprint(self):
        """SHA-256 of what an editor may change: the settings, the fixed list and the rules.

        Reads ``quiz_questions`` and ``rules`` through ``.all()``: prefetch them for no query.
        """
        questions = sorted(self.quiz_questions.all(), key=lambda row: (row.position, row.pk))
        rules = sorted(self.rules.all(), key=lambda row: (row.position, row.pk))
        return quiz_fingerprint(
            {name: getattr(self, name) for name in self.FINGERPRINT_FIELDS},
            questions=[[row.question_id, row.position, row.marks] for row in questions],
            rules=[[row.position, row.count, row.topic, row.section_id, row.qtype, row.marks] for row in rules],
        )

    def is_edited_since_import(self):
        return bool(self.imported_fingerprint) and self.imported_fingerprint != self.content_fingerprint()


@dataclass(frozen=True)
class DrawPool:
    """What an attempt at a quiz may draw: ``fixed`` QuizQuestion rows, ``rules`` (rule, candidates) pairs."""

    fixed: list
    rules: list

    def most_questions(self):
        """At most how many questions an attempt gets (rules whose candidates overlap may draw fewer)."""
        return len(self.fixed) + sum(min(rule.count, len(candidates)) for rule, candidates in self.rules)


def quiz_fingerprint(fields, *, questions, rules):
    """The fingerprint of a quiz given as plain values (``Quiz.content_fingerprint``, the quizzes import).

    ``fields`` maps each of ``Quiz.FINGERPRINT_FIELDS`` to its value; ``questions`` is a list of
    ``[question id, position, marks]``, ``rules`` of ``[position, count, topic, section id, type,
    marks]``, both in position order. Numbers count by value, durations in seconds.
    """

    def plain(value):
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        if isinstance(value, datetime.timedelta):
            return str(value.total_seconds())
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        return str(value)

    data = {name: plain(value) for name, value in fields.items()}
    data["questions"] = [[plain(value) for value in row] for row in questions]
    data["rules"] = [[plain(value) for value in row] for row in rules]
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class QuizStanding:
    """Where a student stands on a quiz: attempts used and left, the one in progress, grades they may see.

    ``best`` is the best percent among the attempts whose score shows now; ``grade`` the grade by the
    quiz's grading method, only when every submitted attempt's score shows (else it would tell a hidden one).
    """

    used: int
    left: int | None
    in_progress: object
    best: Decimal | None
    grade: Decimal | None
    passed: bool | None


class QuizQuestion(models.Model):
    """A question of a quiz's fixed list, at its position, worth its marks."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="quiz_questions", verbose_name=_("quiz"))
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="quiz_questions", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    marks = models.DecimalField(
        _("marks"), max_digits=6, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        ordering = ["quiz", "position", "pk"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quizquestion_unique_question"),
            models.CheckConstraint(condition=Q(marks__gt=0), name="quizquestion_marks_positive"),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.position}: {self.question}"


class QuizRule(models.Model):
    """Draw ``count`` usable questions matching the rule (topic, section, type: each optional), anew per attempt."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="rules", verbose_name=_("quiz"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    count = models.PositiveSmallIntegerField(_("number of questions"), validators=[MinValueValidator(1)])
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, blank=True)
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="quiz_rules", verbose_name=_("section")
    )
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices, blank=True)
    marks = models.DecimalField(
        _("marks per question"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["quiz", "position", "pk"]
        verbose_name = _("quiz rule")
        verbose_name_plural = _("quiz rules")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="quizrule_count_positive"),
            models.CheckConstraint(condition=Q(marks__gt=0), name="quizrule_marks_positive"),
        ]

    def __str__(self):
        return _("Draw %(count)s questions") % {"count": self.count}

    def question_filter(self):
        """The questions this rule accepts, as a filter on Question (``accepts`` says the same of one question)."""
        return Q(
            *([Q(topic=self.topic)] if self.topic else []),
            *([Q(qtype=self.qtype)] if self.qtype else []),
            *([Q(sections=self.section_id)] if self.section_id else []),
        )

    def accepts(self, question, section_ids):
        """Does ``question`` (whose sections' ids are ``section_ids``) fit this rule?"""
        return (
            (not self.topic or question.topic == self.topic)
            and (not self.qtype or question.qtype == self.qtype)
            and (self.section_id is None or self.section_id in section_ids)
        )


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    ABANDONED = "abandoned", _("Not submitted in time")


@dataclass(frozen=True)
class QuizGrade:
    """A student's grade on a quiz by its grading method, over their submitted attempts."""

    user_id: int
    percent: Decimal
    attempts: int
    passed: bool | None


class AttemptQuerySet(models.QuerySet):
    def for_student(self, user):
        """A student's own attempts (nobody sees another's here)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def visible_to(self, user):
        """The attempts whose review ``user`` may read: their own, and, for a trainer, the finished (submitted
        or abandoned) attempts of the students of the classes they teach (``Cohort.objects.taught_by``).

        Never another student's attempt in progress, nor anybody's outside the trainer's classes.
        Only reading: answering, flagging and submitting stay ``for_student``.
        """
        if not user.is_authenticated:
            return self.none()
        own = Q(user=user)
        if not is_trainer(user):
            return self.filter(own)
        taught = CohortMembership.objects.filter(cohort__in=Cohort.objects.taught_by(user)).values("student")
        return self.filter(own | (Q(user__in=taught) & ~Q(state=AttemptState.IN_PROGRESS)))

    def in_progress(self):
        return self.filter(state=AttemptState.IN_PROGRESS)

    def submitted(self):
        return self.filter(state=AttemptState.SUBMITTED)

    def overdue(self, now):
        """In-progress attempts whose time is over (the deadline, plus the grace period when there is one)."""
        grace = Q(quiz__timeout_action=TimeoutAction.GRACE)
        return self.in_progress().filter(
            (~grace & Q(deadline__lte=now)) | (grace & Q(deadline__lte=now - F("quiz__grace_period")))
        )

    def with_questions(self):
        """Attempts with their quiz, questions, options shown, answers and answer keys: what a detail or review reads."""
        return self.select_related("quiz").prefetch_related(
            models.Prefetch(
                "slots",
                queryset=AttemptQuestion.objects.select_related("question").order_by("position"),
            ),
            models.Prefetch("slots__shown_options", queryset=AttemptOption.objects.select_related("option")),
            "slots__question__options",
            models.Prefetch("slots__question__citations", queryset=Paragraph.objects.select_related("section")),
            models.Prefetch("slots__responses", queryset=Response.objects.prefetch_related("choices")),
        )

    def grades(self, quiz):
        """Each student's grade on ``quiz`` by its grading method: a list of ``QuizGrade``, one query."""
        rows = (
            self.filter(quiz=quiz)
            .submitted()
            .exclude(max_score=0)
            .order_by("user_id", "number")
            .values_list("user_id", "score", "max_score")
        )
        by_user = {}
        for user_id, score, max_score in rows:
            by_user.setdefault(user_id, []).append(score_percent(score, max_score))
        grades = []
        for user_id, percents in by_user.items():
            percent = grade_by_method(quiz.grading_method, percents)
            grades.append(
                QuizGrade(user_id=user_id, percent=percent, attempts=len(percents), passed=quiz.passes(percent))
            )
        return grades


def score_percent(score, max_score):
    """An attempt's score as a percent of its maximum, unrounded (what ``grade_by_method`` is given)."""
    return Decimal(score) * 100 / Decimal(max_score)


def graded_attempt(method, percents):
    """Which of the attempts (their percents, in attempt order) the grade by ``method`` comes from: its index, the
    first with the highest percent, the first or the last; None for the average (or no attempt)."""
    if not percents or method == GradingMethod.AVERAGE:
        return None
    if method == GradingMethod.HIGHEST:
        return percents.index(max(percents))
    return 0 if method == GradingMethod.FIRST else len(percents) - 1


def grade_by_method(method, percents):
    """The grade over attempts' percents (in attempt order) by ``method``, rounded to 2 places; None if none."""
    if not percents:
        return None
    if method == GradingMethod.HIGHEST:
        value = max(percents)
    elif method == GradingMethod.AVERAGE:
        value = sum(percents) / len(percents)
    elif method == GradingMethod.FIRST:
        value = percents[0]
    elif method == GradingMethod.LAST:
        value = percents[-1]
    else:
        raise ValueError(f"unknown grading method {method!r}")
    return Decimal(value).quantize(Decimal("0.01"))


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("student")
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(
        _("deadline"), null=True, blank=True, help_text=_("Computed from the time limit and the closing time.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS, db_index=True
    )
    current_position = models.PositiveSmallIntegerField(
        _("current question"), default=0, help_text=_("Sequential navigation: the questions before it are closed.")
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2, default=Decimal(0))
    cbm_average = models.DecimalField(
        _("average certainty-based mark"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Certainty-based quizzes: the average mark per question, from −6 to 3."),
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "user", "number"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_unique_number"),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state=AttemptState.IN_PROGRESS),
                name="attempt_one_in_progress",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
            models.CheckConstraint(
                condition=Q(state=AttemptState.IN_PROGRESS) | Q(submitted_at__isnull=False),
                name="attempt_finished_has_submitted_at",
            ),
        ]

    def __str__(self):
        return _("%(quiz)s, attempt %(number)s") % {"quiz": self.quiz, "number": self.number}

    def is_in_progress(self):
        return self.state == AttemptState.IN_PROGRESS

    def time_is_up(self, now):
        return self.deadline is not None and now >= self.deadline

    def grace_ends_at(self):
        if self.deadline is None:
            return None
        if self.quiz.timeout_action == TimeoutAction.GRACE:
            return self.deadline + self.quiz.grace_period
        return self.deadline

    def is_overdue(self, now):
        """In progress but over: past the deadline (past the grace period, with one)."""
        ends = self.grace_ends_at()
        return self.is_in_progress() and ends is not None and now >= ends

    def can_answer(self, now):
        return self.is_in_progress() and not self.time_is_up(now)

    def seconds_left(self, now):
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - now).total_seconds()))

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return (self.score * 100 / self.max_score).quantize(Decimal("0.01"))

    def shows_score(self, now, *, reader=None):
        """May ``reader`` (default: the student) see this attempt's score now? Only a submitted attempt's,
        as the review options say (``visibility``)."""
        return self.state == AttemptState.SUBMITTED and self.visibility(now, reader=reader).score

    def summary(self):
        """How many of the (prefetched) questions are answered, unanswered and flagged."""
        slots = list(self.slots.all())
        answered = sum(1 for slot in slots if slot.current_response() is not None)
        return AttemptSummary(
            answered=answered, unanswered=len(slots) - answered, flagged=sum(1 for slot in slots if slot.flagged)
        )

    def review_moment(self, now):
        """Which column of the quiz's review options applies to this attempt now."""
        if self.is_in_progress():
            return ReviewMoment.DURING
        if self.submitted_at is not None and now < self.submitted_at + IMMEDIATE_REVIEW_WINDOW:
            return ReviewMoment.IMMEDIATELY
        if self.quiz.closes_at is None or now < self.quiz.closes_at:
            return ReviewMoment.LATER
        return ReviewMoment.AFTER_CLOSE

    def visibility(self, now, *, reader=None):
        """What ``reader`` may see now: the student (the default) what the review options allow, nothing
        about answers during a deferred-feedback attempt. Anybody else (a trainer of the student's class,
        as ``Attempt.objects.visible_to`` lets in) sees a finished attempt in full, and nothing of one in progress.
        """
        if reader is not None and reader.pk != self.user_id:
            return ReviewVisibility() if self.is_in_progress() else FULL_REVIEW
        moment = self.review_moment(now)
        if moment == ReviewMoment.DURING and not self.quiz.is_immediate():
            return ReviewVisibility()
        if self.state == AttemptState.ABANDONED:
            # Not counted: the right answers still follow the review options (the attempt is over).
            shown = self.quiz.review_shows(moment)
            return ReviewVisibility(score=False, answer=shown.answer, feedback=shown.feedback)
        return self.quiz.review_shows(moment)

    def calibration(self):
        """Certainty-based marking report over the prefetched slots and responses (see ``Calibration``)."""
        return Calibration.of(self)


@dataclass(frozen=True)
class AttemptSummary:
    answered: int
    unanswered: int
    flagged: int


@dataclass(frozen=True)
class SlotResult:
    """How one question went, as far as the review options show it now (a hidden part is None)."""

    fraction: Decimal | None
    score: Decimal | None
    right_answer: object
    feedback: list | None
    explanation: str | None
    citations: list | None


def as_decimal(fraction, places=6):
    """An exact Fraction as a Decimal rounded to ``places`` places (how scores are stored)."""
    value = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    return value.quantize(Decimal(1).scaleb(-places))


@dataclass(frozen=True)
class CertaintyLevel:
    certainty: int
    answered: int
    accuracy: Decimal | None  # the mean score of the answers given at this certainty, 0-1
    expected: tuple  # the accuracy range where this certainty pays best (Moodle's CBM)
    well_calibrated: bool | None


# Moodle's CBM: certainty 3 pays best above 80% accuracy, 2 between 67% and 80%, 1 below 67%.
CBM_BEST_RANGE = {
    1: (Decimal(0), Decimal("0.67")),
    2: (Decimal("0.67"), Decimal("0.80")),
    3: (Decimal("0.80"), Decimal(1)),
}


@dataclass(frozen=True)
class Calibration:
    """An attempt's accuracy (plain mean score, certainty ignored), CBM average and accuracy per certainty."""

    accuracy: Decimal | None
    cbm_average: Decimal | None
    levels: tuple

    @classmethod
    def of(cls, attempt):
        slots = list(attempt.slots.all())
        fractions, marks, by_level = [], [], {1: [], 2: [], 3: []}
        for slot in slots:
            response = slot.current_response()
            fraction = (
                Decimal(response.fraction) if response is not None and response.fraction is not None else Decimal(0)
            )
            certainty = response.certainty if response is not None and response.certainty else 1
            fractions.append(fraction)
            marks.append(as_decimal(cbm_mark(Fraction(fraction), certainty)))
            if response is not None:
                by_level[certainty].append(fraction)
        if not slots:
            return cls(accuracy=None, cbm_average=None, levels=())
        levels = []
        for certainty, values in by_level.items():
            accuracy = (sum(values) / len(values)).quantize(Decimal("0.0001")) if values else None
            low, high = CBM_BEST_RANGE[certainty]
            calibrated = None if accuracy is None else low <= accuracy <= high
            levels.append(CertaintyLevel(certainty, len(values), accuracy, (low, high), calibrated))
        return cls(
            accuracy=(sum(fractions) / len(fractions)).quantize(Decimal("0.0001")),
            cbm_average=(sum(marks) / len(marks)).quantize(Decimal("0.0001")),
            levels=tuple(levels),
        )


class AnswerShapeError(ValueError):
    """An answer that is not an answer to the question as shown (an option it does not show, no choice)."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class ReadAnswer:
    """An answer read against the ids a student was shown (``read_answer``)."""

    graded: object  # the response as ``grading.score`` reads it
    pairs: list  # (item row, match row or None) in the student's order
    typed: dict  # text, number and unit of a typed answer


def read_answer(shown, answer):
    """Read ``answer`` against ``shown`` (an attempt's slot or a study card: ``question``, ``items()``,
    ``match_choices()``, rows with ``pk``, ``option_id`` and ``position``), or raise AnswerShapeError.

    Shapes by type: choices and ordering, a list of the ids shown; matching, a dict of item id ->
    answer id (or None); numeric and short answer, the typed text.
    """
    qtype = shown.question.qtype
    items = {row.pk: row for row in shown.items()}
    matches = {row.pk: row for row in shown.match_choices()}
    typed = {"text": "", "number": None, "unit": ""}
    if qtype in CHOICE_TYPES or qtype == QuestionType.ORDERING:
        ids = _answer_ids(answer)
        if not ids:
            raise AnswerShapeError(_("Choose an option.") if qtype in CHOICE_TYPES else _("Put the items in order."))
        if len(set(ids)) != len(ids):
            raise AnswerShapeError(_("Each option may be given only once."))
        if not set(ids) <= set(items):
            raise AnswerShapeError(_("That option is not one of this question's options."))
        graded = [items[pk].option_id for pk in ids]
        if qtype in CHOICE_TYPES:
            graded = frozenset(graded)
        return ReadAnswer(graded=graded, pairs=[(items[pk], None) for pk in ids], typed=typed)
    if qtype == QuestionType.MATCHING:
        if not isinstance(answer, dict) or not answer:
            raise AnswerShapeError(_("Match each item to one answer."))
        pairs = {}
        for key, value in answer.items():
            try:
                item_id = int(key)
            except (TypeError, ValueError):
                raise AnswerShapeError(_("Item ids are whole numbers.")) from None
            if item_id not in items:
                raise AnswerShapeError(_("That item is not one of this question's items."))
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value not in matches):
                raise AnswerShapeError(_("That answer is not one of this question's answers."))
            pairs[item_id] = value
        graded = {items[pk].option_id: (matches[value].option_id if value else None) for pk, value in pairs.items()}
        ordered = sorted(pairs.items(), key=lambda pair: items[pair[0]].position)
        return ReadAnswer(
            graded=graded, pairs=[(items[pk], matches[value] if value else None) for pk, value in ordered], typed=typed
        )
    if not isinstance(answer, str) or not answer.strip():
        raise AnswerShapeError(_("Type your answer."))
    if len(answer) > Response._meta.get_field("text").max_length:
        raise AnswerShapeError(_("That answer is too long."))
    typed["text"] = answer.strip()
    if qtype == QuestionType.NUMERIC:
        try:
            number = parse_number(answer)
        except InvalidResponse:
            raise AnswerShapeError(_("Type a number, for example 1,486 or 2.5 million.")) from None
        if abs(number.value) >= Decimal(10) ** 17:
            raise AnswerShapeError(_("That number is too large."))
        typed["number"], typed["unit"] = number.value, number.unit[:40]
        return ReadAnswer(graded=number, pairs=[], typed=typed)
    return ReadAnswer(graded=answer, pairs=[], typed=typed)


def _answer_ids(value):
    """A list of whole numbers from the answer, or AnswerShapeError."""
    if isinstance(value, str | bytes | dict) or not isinstance(value, list | tuple | set | frozenset):
        raise AnswerShapeError(_("Give the options as a list of their ids."))
    if not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise AnswerShapeError(_("Option ids are whole numbers."))
    return list(value)


class ShowsOptions:
    """What a question shown with its own ids has (an attempt's slot, a study card): the right answer
    and feedback in those ids. Subclasses give ``question``, ``items()`` and ``match_choices()``, rows
    with ``pk`` and ``option`` (prefetched ``question.options``)."""

    def right_answer(self):
        """The right answer in the ids shown.

        Choices: the right ids; ordering: the ids in the right order; matching: item id -> answer id;
        numeric: value, tolerance and unit; short answer: the accepted answers.
        """
        qtype = self.question.qtype
        items = self.items()
        if qtype == QuestionType.ORDERING:
            return [row.pk for row in sorted(items, key=lambda row: (row.option.position, row.option_id))]
        if qtype == QuestionType.MATCHING:
            by_match = {row.option.match: row.pk for row in self.match_choices()}
            return {row.pk: by_match.get(row.option.match) for row in items}
        if qtype == QuestionType.NUMERIC:
            question = self.question
            return {"value": question.numeric_answer, "tolerance": question.tolerance, "unit": question.unit}
        if qtype == QuestionType.SHORT_ANSWER:
            return [option.text for option in self.question.options.all() if option.is_correct]
        return [row.pk for row in items if row.option.is_correct]

    def question_feedback(self, chosen, text):
        """The feedback of the options chosen (``AnswerOption`` rows) or of the typed ``text`` an editor foresaw."""
        question = self.question
        if question.qtype == QuestionType.SHORT_ANSWER:
            option = matching_option(question.grading_data(), text)
            by_id = {candidate.pk: candidate for candidate in question.options.all()}
            found = by_id.get(option.id) if option is not None else None
            return [found.feedback] if found is not None and found.feedback else []
        if question.qtype in CHOICE_TYPES:
            return [option.feedback for option in chosen if option.feedback]
        return []


class AttemptQuestion(ShowsOptions, models.Model):
    """A question drawn for an attempt (a slot), at its position in that attempt, worth its marks."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots", verbose_name=_("attempt"))
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="attempt_slots", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    marks = models.DecimalField(_("marks"), max_digits=6, decimal_places=2, default=Decimal(1))
    flagged = models.BooleanField(_("flagged"), default=False, help_text=_("The student marked it to come back to."))

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("question in an attempt")
        verbose_name_plural = _("questions in an attempt")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attemptquestion_unique_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attemptquestion_unique_question"),
        ]

    def __str__(self):
        return f"{self.attempt} #{self.position}"

    def current_response(self):
        """The answer given, from prefetched ``responses`` (at most one), or None."""
        responses = list(self.responses.all())
        return responses[0] if responses else None

    def items(self):
        """The options as this attempt shows them (prefetched), the matching question's right column aside."""
        return [row for row in self.shown_options.all() if row.column == AttemptOption.Column.ITEM]

    def match_choices(self):
        return [row for row in self.shown_options.all() if row.column == AttemptOption.Column.MATCH]

    def shows(self, attempt, now, *, reader=None):
        """What ``reader`` (default: the student) may see of this question now: the attempt's review options
        (``Attempt.visibility``), and during an immediate-feedback attempt only once it is answered (and no
        right answer while a retry is allowed)."""
        seen = attempt.visibility(now, reader=reader)
        if attempt.is_in_progress():
            if self.current_response() is None:
                return ReviewVisibility()
            if attempt.quiz.allow_retry:
                seen = ReviewVisibility(score=seen.score, answer=False, feedback=seen.feedback)
        return seen

    def can_answer(self, attempt, now):
        """May the student answer (or answer again) this question of ``attempt`` now?"""
        if not attempt.can_answer(now):
            return False
        quiz = attempt.quiz
        if quiz.is_sequential() and self.position < attempt.current_position:
            return False
        return not (quiz.is_immediate() and not quiz.allow_retry and self.current_response() is not None)

    def result(self, attempt, now, *, reader=None):
        """A ``SlotResult`` of what ``shows`` allows ``reader`` now (score, right answer, feedback with the
        explanation and cited paragraphs), or None when it shows nothing. Reads prefetched rows only."""
        seen = self.shows(attempt, now, reader=reader)
        if not (seen.score or seen.answer or seen.feedback):
            return None
        response = self.current_response()
        fraction = response.fraction if response is not None else Decimal(0)
        return SlotResult(
            fraction=fraction if seen.score else None,
            score=fraction * self.marks if seen.score else None,
            right_answer=self.right_answer() if seen.answer else None,
            feedback=self.feedback() if seen.feedback else None,
            explanation=self.question.explanation if seen.feedback else None,
            citations=list(self.question.citations.all()) if seen.feedback else None,
        )

    def feedback(self):
        """The feedback of what the student chose (wrong options' feedback, a typed answer an editor foresaw)."""
        response = self.current_response()
        if response is None:
            return []
        shown = {row.pk: row for row in self.shown_options.all()}
        chosen = [shown[choice.item_id].option for choice in response.chosen() if choice.item_id in shown]
        return self.question_feedback(chosen, response.text)


class AttemptOption(models.Model):
    """An option as one attempt shows it: its place there, and the id the student answers with.

    Matching questions have two columns: the items to match (``item``) and, shuffled separately, one
    row per distinct answer on the right (``match``, pointing at an option with that match).
    """

    class Column(models.TextChoices):
        ITEM = "item", _("Item")
        MATCH = "match", _("Match")

    slot = models.ForeignKey(
        AttemptQuestion,
        on_delete=models.CASCADE,
        related_name="shown_options",
        verbose_name=_("question in the attempt"),
    )
    option = models.ForeignKey(AnswerOption, on_delete=models.PROTECT, related_name="+", verbose_name=_("option"))
    column = models.CharField(_("column"), max_length=5, choices=Column.choices, default=Column.ITEM)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["slot", "column", "position"]
        verbose_name = _("option shown in an attempt")
        verbose_name_plural = _("options shown in an attempt")
        constraints = [
            models.UniqueConstraint(fields=["slot", "column", "position"], name="attemptoption_unique_position"),
            models.UniqueConstraint(fields=["slot", "column", "option"], name="attemptoption_unique_option"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.column == self.Column.MATCH:
            return self.option.match
        return self.option.label


class Response(models.Model):
    """The answer given to one question of an attempt, scored by the server when it is saved."""

    slot = models.ForeignKey(
        AttemptQuestion, on_delete=models.CASCADE, related_name="responses", verbose_name=_("question in the attempt")
    )
    text = models.CharField(_("typed answer"), max_length=500, blank=True)
    number = models.DecimalField(_("number"), max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("unit typed"), max_length=40, blank=True)
    certainty = models.PositiveSmallIntegerField(_("certainty"), null=True, blank=True, choices=CERTAINTY_CHOICES)
    fraction = models.DecimalField(
        _("fraction scored"), max_digits=7, decimal_places=6, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    tries = models.PositiveSmallIntegerField(_("tries"), default=1)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        ordering = ["slot"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["slot"], name="response_one_per_slot"),
            models.CheckConstraint(condition=Q(fraction__gte=0, fraction__lte=1), name="response_fraction_0_to_1"),
            models.CheckConstraint(
                condition=Q(certainty__isnull=True) | Q(certainty__in=[1, 2, 3]), name="response_certainty_1_to_3"
            ),
        ]

    def __str__(self):
        return _("Answer to %(slot)s") % {"slot": self.slot}

    def chosen(self):
        """The ResponseChoice rows, prefetched, in the student's order."""
        return sorted(self.choices.all(), key=lambda row: (row.position, row.pk))


class ResponseChoice(models.Model):
    """One part of an answer: a chosen option, an ordering item at its place, or a matching pair."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="choices", verbose_name=_("response"))
    item = models.ForeignKey(AttemptOption, on_delete=models.CASCADE, related_name="+", verbose_name=_("option"))
    position = models.PositiveSmallIntegerField(_("place"), default=0, help_text=_("Ordering: the place given."))
    match = models.ForeignKey(
        AttemptOption,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matched to"),
        help_text=_("Matching: the answer chosen for the item."),
    )

    class Meta:
        ordering = ["response", "position", "pk"]
        verbose_name = _("part of a response")
        verbose_name_plural = _("parts of responses")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="responsechoice_unique_item"),
        ]

    def __str__(self):
        return str(self.item)


# --- Study: spaced repetition with FSRS ----------------------------------------------------------
#
# Every usable question is a card. A student's memory of it is one ``ReviewState`` row, made the
# first time they study it (a card without one, or with no review yet, is new); every rating is one
# append-only ``ReviewLog`` row holding the state before and after, so a schedule can be explained,
# undone exactly and parameters fitted from the log. Scheduling itself is py-fsrs's
# (``quizzes.scheduling``); these models only keep its card fields.


class CardState(models.IntegerChoices):
    """py-fsrs's card states (``fsrs.State``), by the same numbers."""

    LEARNING = 1, _("Learning")
    REVIEW = 2, _("Review")
    RELEARNING = 3, _("Relearning")


class StudyRating(models.IntegerChoices):
    """py-fsrs's ratings (``fsrs.Rating``), by the same numbers."""

    AGAIN = 1, _("Again")
    HARD = 2, _("Hard")
    GOOD = 3, _("Good")
    EASY = 4, _("Easy")


# Anki's defaults: a card is a leech after 8 lapses; new cards and reviews per day; learning steps.
LEECH_LAPSES = 8
STRUGGLING_LAPSES = 3  # a class leech: a card students have forgotten this often (or a leech)
DEFAULT_LEARNING_STEPS = (1, 10)
DEFAULT_RELEARNING_STEPS = (10,)
RETENTION_MIN, RETENTION_MAX = Decimal("0.70"), Decimal("0.97")
UNFETCHED = object()  # an argument not given, where None means something


@functools.cache
def _time_zones():
    return frozenset(available_timezones())


class StudySettingsQuerySet(models.QuerySet):
    def for_user(self, user):
        """The student's settings with their steps, made with the defaults the first time they are asked for.

        One query when the student has steps (each step with its settings joined, and whether any fitted
        parameters are in use: when none are, ``fitted_parameters`` asks nothing more), two when they have none.
        """
        steps = SETTINGS_STEPS.all(user=getattr(user, "pk", user))
        if steps:
            found = steps[0].settings
            if not steps[0].fitted_in_use:
                found.__dict__["fitted_parameters"] = None  # the cached_property, known without a query
            for step in steps:
                step.settings = found
            prefetched(found, "steps", steps)
            return found
        found = self.filter(user=user).prefetch_related("steps").first()
        if found is not None:
            return found
        with transaction.atomic():
            made, created = self.get_or_create(user=user)
            if created:
                StudyStep.objects.bulk_create(
                    [
                        StudyStep(settings=made, kind=kind, position=position, minutes=minutes)
                        for kind, steps in (
                            (StepKind.LEARNING, DEFAULT_LEARNING_STEPS),
                            (StepKind.RELEARNING, DEFAULT_RELEARNING_STEPS),
                        )
                        for position, minutes in enumerate(steps, start=1)
                    ]
                )
        return self.prefetch_related("steps").get(pk=made.pk)


class StudySettings(models.Model):
    """How one student studies: retention, daily limits, learning steps, their day and time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_settings", verbose_name=_("student")
    )
    desired_retention = models.DecimalField(
        _("desired retention"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(RETENTION_MIN), MaxValueValidator(RETENTION_MAX)],
        help_text=_("The share of cards you want to still remember when they come due (0.70 to 0.97)."),
    )
    new_cards_per_day = models.PositiveSmallIntegerField(
        _("new cards per day"), default=20, validators=[MaxValueValidator(9999)]
    )
    max_reviews_per_day = models.PositiveSmallIntegerField(
        _("maximum reviews per day"), default=200, validators=[MaxValueValidator(9999)]
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    day_starts_at = models.PositiveSmallIntegerField(
        _("the study day starts at"),
        default=4,
        validators=[MaxValueValidator(23)],
        help_text=_("The hour (0 to 23) at which a new study day begins, as in Anki (4 a.m.)."),
    )
    spread_due_dates = models.BooleanField(
        _("spread due dates"),
        default=True,
        help_text=_("Within the small range a due date may move, choose the day with the fewest cards due."),
    )

    objects = StudySettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("study settings")
        verbose_name_plural = _("study settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=RETENTION_MIN, desired_retention__lte=RETENTION_MAX),
                name="studysettings_retention_in_range",
            ),
            models.CheckConstraint(condition=Q(day_starts_at__lte=23), name="studysettings_day_start_is_an_hour"),
        ]

    def __str__(self):
        return str(self.user)

    def clean(self):
        if self.time_zone not in _time_zones():
            raise ValidationError({"time_zone": _("“%(zone)s” is not a time zone.") % {"zone": self.time_zone}})

    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def study_day(self, now):
        """The study day ``now`` falls in: the date whose day_starts_at hour, in the student's zone, began it."""
        local = now.astimezone(self.zone())
        return (local - datetime.timedelta(hours=self.day_starts_at)).date()

    def day_bounds(self, day):
        """The start and end (exclusive) of study ``day``, as aware datetimes; DST-proof."""
        start = datetime.datetime.combine(day, datetime.time(self.day_starts_at), tzinfo=self.zone())
        end = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(self.day_starts_at), tzinfo=self.zone()
        )
        # In UTC: Python subtracts two datetimes of one zone by their wall clocks, ignoring DST.
        return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)

    def days_span(self, first, last):
        """The start of study day ``first`` and the end of study day ``last``."""
        return self.day_bounds(first)[0], self.day_bounds(last)[1]

    def count_per_study_day(self, dues):
        """{study day: how many of ``dues`` fall in it}: each due date shifted back by the hour the
        student's day starts, then its date in their zone. Counted in Python: on SQLite, grouping by
        that date in SQL called two Python functions a row."""
        shift, zone = datetime.timedelta(hours=self.day_starts_at), self.zone()
        return collections.Counter((due - shift).astimezone(zone).date() for due in dues)

    def step_minutes(self, kind):
        if self.pk is None:  # settings never saved: the defaults (a student who never opened them)
            return DEFAULT_LEARNING_STEPS if kind == StepKind.LEARNING else DEFAULT_RELEARNING_STEPS
        return tuple(step.minutes for step in self.steps.all() if step.kind == kind)

    @functools.cached_property
    def fitted_parameters(self):
        """The student's fitted ParameterSet in use, or None: asked of the database once per settings instance."""
        return ParameterSet.objects.in_use_for(self.user_id)

    def scheduler(self, *, seed, load=None, today=None, fitted=UNFETCHED, enable_fuzzing=True):
        """py-fsrs's scheduler for this student: their fitted parameters if in use, else FSRS's defaults.

        ``fitted``: the student's ``ParameterSet.objects.in_use_for`` (or None) when already read, as a
        report over many students reads them in one query; else ``fitted_parameters``.
        """
        from .scheduling import DEFAULT_PARAMETERS, StudyScheduler

        minutes = datetime.timedelta(minutes=1)
        if fitted is UNFETCHED:
            fitted = self.fitted_parameters
        return StudyScheduler(
            seed=seed,
            enable_fuzzing=enable_fuzzing,
            parameters=fitted.parameters() if fitted else DEFAULT_PARAMETERS,
            parameters_version=fitted.version if fitted else 0,
            load=load if self.spread_due_dates else None,
            today=today,
            desired_retention=float(self.desired_retention),
            learning_steps=tuple(m * minutes for m in self.step_minutes(StepKind.LEARNING)),
            relearning_steps=tuple(m * minutes for m in self.step_minutes(StepKind.RELEARNING)),
        )


class StepKind(models.TextChoices):
    LEARNING = "learning", _("Learning step")
    RELEARNING = "relearning", _("Relearning step")


class StudyStep(models.Model):
    """One learning or relearning step of a student's settings, in minutes (Anki's "1m 10m")."""

    settings = models.ForeignKey(
        StudySettings, on_delete=models.CASCADE, related_name="steps", verbose_name=_("settings")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=StepKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 7)]
    )

    class Meta:
        ordering = ["settings", "kind", "position"]
        verbose_name = _("study step")
        verbose_name_plural = _("study steps")
        constraints = [
            models.UniqueConstraint(fields=["settings", "kind", "position"], name="studystep_unique_position"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="studystep_at_least_a_minute"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.position}: {self.minutes} min"


def _settings_steps(*, user):
    """The student's steps, each with its settings joined and whether any fitted parameters are in use."""
    fitted = ParameterSet.objects.filter(user=OuterRef("settings__user"), in_use=True)
    return (
        StudyStep.objects.filter(settings__user=user)
        .select_related("settings")
        .annotate(fitted_in_use=models.Exists(fitted))
    )


SETTINGS_STEPS = Prepared(_settings_steps, user=int)


class ReviewStateQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)

    def in_deck(self):
        """Not suspended, of a question students may study (buried or not)."""
        return self.filter(suspended=False, question__in=Question.objects.usable())

    def studyable(self, now):
        """Not suspended, not buried, of a question students may study."""
        return self.in_deck().exclude(buried_until__gt=now)

    def due(self, user, now):
        """The user's cards due at ``now``, oldest due first: one range scan of (user, due) where not suspended."""
        return self.of(user).studyable(now).filter(reps__gt=0, due__lte=now).order_by("due", "pk")

    def learning(self):
        return self.filter(state__in=[CardState.LEARNING, CardState.RELEARNING], reps__gt=0)

    def to_rate(self, user, question, request_key):
        """The user's state of ``question``, locked, with ``usable`` (may it be studied) and ``replay_of``
        (the pk of the user's review already recorded with ``request_key``, or None): one query."""
        from django.db.models import Exists

        earlier = ReviewLog.objects.filter(user=user, request_key=request_key).values("pk")[:1]
        return (
            self.select_for_update()
            .filter(user=user, question=question)
            .annotate(
                usable=Exists(Question.objects.usable().filter(pk=OuterRef("question_id"))),
                replay_of=Subquery(earlier),
            )
        )

    def leeches(self):
        return self.filter(is_leech=True)

    def struggling(self):
        """Cards a student keeps failing: leeches, or lapsed (forgotten once learned) ``STRUGGLING_LAPSES`` times or more."""
        return self.filter(Q(is_leech=True) | Q(lapses__gte=STRUGGLING_LAPSES))

    def due_per_study_day(self, user, study_settings, first, last):
        """{study day: how many of the user's cards fall due that day}, for the days ``first`` to ``last``.

        Cards the student will be shown count (buried ones too: they come back before they are due);
        suspended cards and cards of questions taken out of study do not (``due_between``).
        """
        start, end = study_settings.days_span(first, last)
        return study_settings.count_per_study_day(self.due_between(user, start, end))

    def due_between(self, user, start, end):
        """The due dates of the user's cards in the deck due from ``start`` to ``end`` (one index range scan)."""
        return self.of(user).in_deck().filter(reps__gt=0, due__gte=start, due__lt=end).values_list("due", flat=True)


class ReviewState(models.Model):
    """One student's memory of one card: py-fsrs's card fields, suspension, and a version."""

    # No index of its own: (user, question)'s unique constraint serves lookups by user. With one,
    # PostgreSQL read all of a student's cards by it and filtered the due ones (bench/study_scale.py at 3M).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_states",
        verbose_name=_("student"),
        db_index=False,
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="review_states", verbose_name=_("card")
    )
    state = models.PositiveSmallIntegerField(_("state"), choices=CardState.choices, default=CardState.LEARNING)
    step = models.PositiveSmallIntegerField(_("learning step"), null=True, blank=True, default=0)
    stability = models.FloatField(_("stability (days)"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)
    reps = models.PositiveIntegerField(_("reviews"), default=0)
    lapses = models.PositiveIntegerField(_("lapses"), default=0)
    suspended = models.BooleanField(_("suspended"), default=False)
    buried_until = models.DateTimeField(_("buried until"), null=True, blank=True)
    is_leech = models.BooleanField(_("leech"), default=False)
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Goes up with every change: a rating names the version it was shown.")
    )

    objects = ReviewStateQuerySet.as_manager()

    class Meta:
        verbose_name = _("review state")
        verbose_name_plural = _("review states")
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="reviewstate_one_per_user_and_card")]
        indexes = [
            # "What is due for this user now": one range scan.
            models.Index(fields=["user", "due"], condition=Q(suspended=False), name="reviewstate_due"),
        ]

    def __str__(self):
        return f"{self.user} · {self.question}"

    def is_new(self):
        return self.reps == 0

    def to_card(self):
        from .scheduling import Card, State, as_utc

        return Card(
            card_id=self.pk or 0,  # py-fsrs sleeps a millisecond to invent an id when given None
            state=State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=as_utc(self.due),
            last_review=as_utc(self.last_review) if self.last_review else None,
        )

    def take_card(self, card):
        """Copy py-fsrs's card fields back onto this row."""
        self.state, self.step = int(card.state), card.step
        self.stability, self.difficulty = card.stability, card.difficulty
        self.due, self.last_review = card.due, card.last_review

    def snapshot(self):
        """The fields a review changes, as they are now (what a log row keeps to undo it exactly)."""
        return {name: getattr(self, name) for name in SNAPSHOT_FIELDS}

    def review_seed(self):
        """The seed of this card's next review's fuzz: the same for its preview and its rating."""
        return f"{self.user_id}:{self.question_id}:{self.reps}"


SNAPSHOT_FIELDS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "suspended",
    "is_leech",
)


def _snapshot_fields(prefix, label):
    return {
        f"{prefix}_state": models.PositiveSmallIntegerField(
            format_lazy("{}: {}", label, _("state")), choices=CardState.choices
        ),
        f"{prefix}_step": models.PositiveSmallIntegerField(format_lazy("{}: {}", label, _("step")), null=True),
        f"{prefix}_stability": models.FloatField(format_lazy("{}: {}", label, _("stability")), null=True),
        f"{prefix}_difficulty": models.FloatField(format_lazy("{}: {}", label, _("difficulty")), null=True),
        f"{prefix}_due": models.DateTimeField(format_lazy("{}: {}", label, _("due"))),
        f"{prefix}_last_review": models.DateTimeField(format_lazy("{}: {}", label, _("last review")), null=True),
        f"{prefix}_reps": models.PositiveIntegerField(format_lazy("{}: {}", label, _("reviews"))),
        f"{prefix}_lapses": models.PositiveIntegerField(format_lazy("{}: {}", label, _("lapses"))),
        f"{prefix}_suspended": models.BooleanField(format_lazy("{}: {}", label, _("suspended"))),
        f"{prefix}_is_leech": models.BooleanField(format_lazy("{}: {}", label, _("leech"))),
    }


class ReviewLogQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)

    def between(self, start, end):
        return self.filter(reviewed_at__gte=start, reviewed_at__lt=end)

    def of_new_cards(self):
        """Reviews that introduced a card (it had no review before)."""
        return self.filter(before_reps=0)

    def of_seen_cards(self):
        return self.filter(before_reps__gt=0)

    def of_cards_in_review(self):
        """The reviews true retention counts (Anki's): of cards seen before and in review when rated.

        ``quizzes.stats`` applies the same rule in its one pass over a student's log."""
        return self.filter(before_reps__gt=0, before_state=CardState.REVIEW, before_last_review__isnull=False)


class ReviewLog(models.Model):
    """One rating, append-only: when, how, and the card's state before and after it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs", verbose_name=_("student")
    )
    review_state = models.ForeignKey(ReviewState, on_delete=models.CASCADE, related_name="logs", verbose_name=_("card"))
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="review_logs", verbose_name=_("question")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=StudyRating.choices)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)
    parameters_version = models.PositiveIntegerField(
        _("parameters version"), default=0, help_text=_("0: FSRS's default parameters.")
    )
    request_key = models.CharField(
        _("request key"),
        max_length=64,
        help_text=_("The rating's idempotency key: a replay with it records nothing new."),
    )
    # The same ten card fields twice: as they were before the rating and as it left them.
    locals().update(_snapshot_fields("before", _("before")))
    locals().update(_snapshot_fields("after", _("after")))

    objects = ReviewLogQuerySet.as_manager()

    class Meta:
        ordering = ["reviewed_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["user", "request_key"], name="reviewlog_one_per_request")]
        indexes = [models.Index(fields=["user", "reviewed_at"], name="reviewlog_user_time")]

    def __str__(self):
        return f"{self.user} · {self.question_id} · {self.get_rating_display()}"

    def before(self):
        return {name: getattr(self, f"before_{name}") for name in SNAPSHOT_FIELDS}

    def after(self):
        return {name: getattr(self, f"after_{name}") for name in SNAPSHOT_FIELDS}


class DeckKind(models.TextChoices):
    ALL = "all", _("The whole briefing")
    SECTION = "section", _("A section")
    TOPIC = "topic", _("A topic")
    COUNTRY = "country", _("A country")
    QUIZ = "quiz", _("A quiz's questions")
    LEECHES = "leeches", _("My leeches")


KEYED_DECKS = frozenset({DeckKind.SECTION, DeckKind.TOPIC, DeckKind.COUNTRY, DeckKind.QUIZ})


class DeckError(ValueError):
    """A deck named in a request that names no deck."""


@dataclass(frozen=True)
class Deck:
    """Which cards a study session draws from, named in URLs as ``all``, ``leeches``, ``section:<slug>``,
    ``topic:<topic>``, ``country:<slug>`` or ``quiz:<slug>``."""

    kind: str = DeckKind.ALL
    key: str = ""

    @classmethod
    def parse(cls, value):
        kind, _sep, key = (value or DeckKind.ALL).partition(":")
        if kind not in DeckKind.values or bool(key) != (kind in KEYED_DECKS):
            raise DeckError(_("There is no deck “%(deck)s”.") % {"deck": value})
        if kind == DeckKind.TOPIC and key not in Topic.values:
            raise DeckError(_("There is no topic “%(topic)s”.") % {"topic": key})
        return cls(kind, key)

    def __str__(self):
        return f"{self.kind}:{self.key}" if self.key else self.kind

    def is_a_rule(self):
        """Whether the deck's questions are a rule of its name alone (all, a topic, the student's leeches),
        so its reads may be compiled once (``sahel_learn.prepared``); a section, a country or a quiz is
        looked up in the content, which editors change, so its reads are built per request."""
        return self.kind in (DeckKind.ALL, DeckKind.TOPIC, DeckKind.LEECHES)

    def title(self):
        """The deck's name as the pages show it (one query for a section, a country or a quiz)."""
        from briefings.models import Briefing

        if self.kind == DeckKind.TOPIC:
            return format_lazy(_("Topic: {}"), Topic(self.key).label)
        found = {
            DeckKind.SECTION: lambda: Section.objects.filter(briefing=Briefing.objects.current(), slug=self.key),
            DeckKind.COUNTRY: lambda: Country.objects.published().filter(slug=self.key),
            DeckKind.QUIZ: lambda: Quiz.objects.published().filter(slug=self.key),
        }.get(self.kind)
        if found is not None:
            row = found().first()
            name = self.key if row is None else row.name if self.kind == DeckKind.COUNTRY else row.title
            label = {
                DeckKind.SECTION: _("Section: {}"),
                DeckKind.COUNTRY: _("Country: {}"),
                DeckKind.QUIZ: _("Quiz: {}"),
            }
            return format_lazy(label[self.kind], name)
        return DeckKind(self.kind).label

    def questions(self, user):
        """The usable questions of this deck (for ``user``: the leeches are theirs)."""
        from briefings.models import Briefing

        usable = Question.objects.usable()
        if self.kind == DeckKind.SECTION:
            return usable.filter(sections__slug=self.key, sections__briefing=Briefing.objects.current())
        if self.kind == DeckKind.TOPIC:
            return usable.for_topic(self.key)
        if self.kind == DeckKind.COUNTRY:
            country = Country.objects.published().filter(slug=self.key).first()
            return usable.about_country(country) if country else usable.none()
        if self.kind == DeckKind.QUIZ:
            quiz = Quiz.objects.published().filter(slug=self.key).first()
            return quiz.questions_it_may_hold() if quiz else usable.none()
        if self.kind == DeckKind.LEECHES:
            return usable.filter(review_states__user=user, review_states__is_leech=True)
        return usable


# Anki's "learn ahead limit": with nothing else to do, a learning card due within this is shown early.
LEARN_AHEAD = datetime.timedelta(minutes=20)


@dataclass
class StudyQueue:
    """Where a student stands in a deck today, and the card to show next (None when there is none)."""

    card: object  # a ReviewState (saved, or a new unsaved one for a question never studied)
    new_left: int
    learning: int
    review: int
    done_today: int
    new_done_today: int
    reviews_done_today: int
    next_due: object  # when the deck's next card comes due, if nothing is left today
    limit_reached: bool
    study_settings: object = None  # the student's StudySettings the queue was made with (to preview its card)

    @classmethod
    def of(cls, *, user, deck, now):
        """Learning cards due now first, then reviews due today, then new cards, then learning ahead.

        Three queries for the whole deck: the settings with their steps, the day's counts in one SELECT
        (``counting_sql``), the card; one more for a new card, two more with nothing to show today. Each
        is a ``Prepared`` read (``QUEUE_READS``) of the QuerySets below, compiled once per process and
        deck for the decks whose questions are a rule alone (``Deck.is_a_rule``), built per request for
        the others: the same QuerySets, so the same rows either way.
        """
        study_settings = StudySettings.objects.for_user(user)
        start, end = study_settings.day_bounds(study_settings.study_day(now))
        read = {"prepare": deck.is_a_rule(), "user": user.pk}
        found = dict(
            zip(QUEUE_COUNTS, QUEUE_READS["counts"].row(deck, **read, now=now, start=start, end=end), strict=True)
        )
        reviews_left = max(0, study_settings.max_reviews_per_day - found["seen_done"])
        new_left = max(0, study_settings.new_cards_per_day - found["new_done"])
        counts = {"learning": found["learning"], "review": min(found["review"], reviews_left)}
        new_available = min(found["fresh"], new_left) if new_left else 0

        card = None
        if counts["learning"]:
            card = QUEUE_READS["learning card"].first(deck, **read, now=now)
        if card is None and counts["review"]:
            card = QUEUE_READS["review card"].first(deck, **read, now=now, end=end)
        if card is None and new_available:
            question = QUEUE_READS["new question"].first(deck, **read)
            card = QUEUE_READS["state of"].first(user=user.pk, question=question.pk)
            card = card or ReviewState(user=user, question=question, due=now)
        if card is None:
            card = QUEUE_READS["learning ahead"].first(deck, **read, now=now, ahead=now + LEARN_AHEAD)
        next_due = None
        if card is None:
            next_due = QUEUE_READS["next due"].first(deck, **read, now=now)
        limit_reached = card is None and (
            (new_left == 0 and found["fresh"] > 0) or (reviews_left == 0 and found["review"] > 0)
        )
        return cls(
            card=card,
            new_left=new_available,
            learning=counts["learning"],
            review=counts["review"],
            done_today=found["new_done"] + found["seen_done"],
            new_done_today=found["new_done"],
            reviews_done_today=found["seen_done"],
            next_due=next_due,
            limit_reached=limit_reached,
            study_settings=study_settings,
        )


def _deck_states(deck, user, now):
    """The deck's cards the student has studied and may study now."""
    return ReviewState.objects.of(user).studyable(now).filter(question__in=deck.questions(user), reps__gt=0)


def _learning_due(deck, user, now):
    return _deck_states(deck, user, now).learning().filter(due__lte=now)


def _reviews_due(deck, user, now, end):
    return _deck_states(deck, user, now).filter(state=CardState.REVIEW, due__lt=end)


def _fresh(deck, user):
    """The deck's new cards for the student: never reviewed and not suspended, by pk."""
    seen = ReviewState.objects.of(user).filter(Q(reps__gt=0) | Q(suspended=True)).values("question")
    return deck.questions(user).exclude(pk__in=seen).order_by("pk")


def _queue_counts(deck, *, user, now, start, end):
    done = ReviewLog.objects.of(user).between(start, end)
    return counting_sql(
        new_done=done.of_new_cards(),
        seen_done=done.of_seen_cards(),
        learning=_learning_due(deck, user, now),
        review=_reviews_due(deck, user, now, end),
        fresh=_fresh(deck, user),
    )


QUEUE_COUNTS = ("new_done", "seen_done", "learning", "review", "fresh")  # the columns of _queue_counts' row
DATETIME = datetime.datetime
# What StudyQueue.of reads, each compiled once per process and deck (sahel_learn.prepared).
QUEUE_READS = {
    "counts": Prepared(_queue_counts, user=int, now=DATETIME, start=DATETIME, end=DATETIME),
    "learning card": Prepared(
        lambda deck, *, user, now: _learning_due(deck, user, now).select_related("question").order_by("due", "pk")[:1],
        user=int,
        now=DATETIME,
    ),
    "review card": Prepared(
        lambda deck, *, user, now, end: (
            _reviews_due(deck, user, now, end).select_related("question").order_by("due", "pk")[:1]
        ),
        user=int,
        now=DATETIME,
        end=DATETIME,
    ),
    "new question": Prepared(lambda deck, *, user: _fresh(deck, user)[:1], user=int),
    "state of": Prepared(
        lambda *, user, question: (
            ReviewState.objects.filter(user=user, question=question).select_related("question").order_by("pk")[:1]
        ),
        user=int,
        question=int,
    ),
    "learning ahead": Prepared(
        lambda deck, *, user, now, ahead: (
            _deck_states(deck, user, now)
            .learning()
            .filter(due__lte=ahead)
            .select_related("question")
            .order_by("due")[:1]
        ),
        user=int,
        now=DATETIME,
        ahead=DATETIME,
    ),
    "next due": Prepared(
        lambda deck, *, user, now: (
            _deck_states(deck, user, now).filter(due__gt=now).order_by("due").values_list("due", flat=True)[:1]
        ),
        user=int,
        now=DATETIME,
    ),
}

# A study card's options (StudyCard), as prefetch_related("options") reads them.
CARD_OPTIONS = Prepared(lambda *, question: AnswerOption.objects.filter(question=question), question=int)
# What rating a card reads (quizzes.actions.record_review and its scheduler's load balancing).
CARD_TO_RATE = Prepared(
    lambda *, user, question, request_key: ReviewState.objects.to_rate(user, question, request_key).order_by("pk")[:1],
    user=int,
    question=int,
    request_key=str,
)
DUE_DATES = Prepared(
    lambda *, user, start, end: ReviewState.objects.due_between(user, start, end).order_by(),
    user=int,
    start=DATETIME,
    end=DATETIME,
)


def counting_sql(**querysets):
    """``(sql, params)``: one SELECT of scalar subqueries, ``queryset.count()`` for each queryset given, in order.

    Each subquery is ``SELECT COUNT(pk) FROM ...`` (``COUNT(DISTINCT pk)`` for a distinct queryset), what
    ``count()`` answers; they must all be of one database.
    """
    parts, params, using = [], [], None
    for queryset in querysets.values():
        using = using or queryset.db
        template = "COUNT(DISTINCT %(expressions)s)" if queryset.query.distinct else "COUNT(%(expressions)s)"
        number = models.Func(F("pk"), template=template, output_field=models.IntegerField())
        counting = queryset.order_by()
        counting.query.distinct = False
        try:
            sql, more = counting.annotate(n=number).values("n").query.get_compiler(using).as_sql()
        except EmptyResultSet:  # a queryset.none(): nothing to count
            sql, more = "SELECT 0", ()
        parts.append(f"({sql})")
        params.extend(more)
    return "SELECT " + ", ".join(parts), params


@dataclass(frozen=True)
class StudyOption:
    """An option as a study card shows it; ``pk`` is its number on the card (1, 2, ...), which the
    student answers with, so nothing in the page says which option is which in the database."""

    pk: int
    option: object  # the AnswerOption
    column: str
    position: int

    @property
    def option_id(self):
        return self.option.pk

    @property
    def label(self):
        return self.option.match if self.column == AttemptOption.Column.MATCH else self.option.label


@dataclass(frozen=True)
class StudyCheck:
    """A study answer checked: its mark and, in the card's own ids, what was given and what is right."""

    fraction: Fraction
    pairs: list  # (item, match or None) rows chosen, as read_answer gives them
    typed: dict
    right: object  # ShowsOptions.right_answer()
    feedback: list

    @property
    def outcome(self):
        return "right" if self.fraction == 1 else "wrong" if self.fraction == 0 else "partly"

    def suggested_rating(self):
        """The rating the reveal pre-selects: Again for a wrong answer, Hard for a partly right one, else Good."""
        return {"right": StudyRating.GOOD, "partly": StudyRating.HARD}.get(self.outcome, StudyRating.AGAIN)


class StudyCard(ShowsOptions):
    """A card as studied now: its question and options in an order seeded by the card's review (so
    the page, the answer check and a replay all see the same order), and never its answer key until
    ``check``. Every question type is answered first, then revealed."""

    def __init__(self, state):
        self.state, self.question = state, state.question
        if "options" not in getattr(self.question, "_prefetched_objects_cache", {}):
            options = CARD_OPTIONS.all(question=self.question.pk)
            for option in options:
                option.question = self.question
            prefetched(self.question, "options", options)
        rng = random.Random(f"{state.review_seed()}:options")  # noqa: S311 - an order to show, not a secret
        shown = self.question.shown_order(self.question.options.all(), shuffle=True, rng=rng)
        numbers = {}
        self.rows = []
        for option, column in shown:
            numbers[column] = numbers.get(column, 0) + 1
            self.rows.append(StudyOption(pk=numbers[column], option=option, column=column, position=numbers[column]))

    @property
    def version(self):
        return self.state.version if self.state.pk else 0

    def items(self):
        return [row for row in self.rows if row.column == AttemptOption.Column.ITEM]

    def match_choices(self):
        return [row for row in self.rows if row.column == AttemptOption.Column.MATCH]

    def current_response(self):
        """The answer forms' previous answer: a study card has none."""
        return None

    def citations(self):
        """The paragraphs the card cites (asked for once, on the reveal: a card shown does not need them)."""
        prefetch_related_objects(
            [self.question], Prefetch("citations", queryset=Paragraph.objects.select_related("section"))
        )
        return list(self.question.citations.all())

    def check(self, answer):
        """Mark ``answer`` (``read_answer``'s shapes, in this card's ids), or raise AnswerShapeError."""
        read = read_answer(self, answer)
        try:
            fraction = grading.score(self.question.grading_data(), read.graded)
        except InvalidResponse as error:
            raise AnswerShapeError(_(str(error))) from None  # noqa: INT001 - grading's messages
        chosen = [item.option for item, _match in read.pairs]
        return StudyCheck(
            fraction=fraction,
            pairs=read.pairs,
            typed=read.typed,
            right=self.right_answer(),
            feedback=self.question_feedback(chosen, read.typed["text"]),
        )


class ParameterSetQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)

    def in_use_for(self, user):
        """The student's parameters the scheduler uses: the latest fit that beat the defaults, else None."""
        return self.of(user).filter(in_use=True).prefetch_related("weights").order_by("-version").first()

    def in_use_by_user(self, users):
        """``{user id: ParameterSet}``: ``in_use_for`` for many students at once (two queries)."""
        found = {}
        for fitted in self.filter(user__in=users, in_use=True).prefetch_related("weights").order_by("user", "version"):
            found[fitted.user_id] = fitted  # the latest version last
        return found


class ParameterSet(models.Model):
    """FSRS's 21 parameters fitted to one student's reviews by fsrs-rs-python, and how well they predict them.

    Log loss and RMSE are measured on the same student's review history for the defaults and for the
    fit; the fit is used for scheduling (``in_use``) only when its log loss is lower.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parameter_sets", verbose_name=_("student")
    )
    version = models.PositiveIntegerField(_("version"))
    fitted_at = models.DateTimeField(_("fitted at"))
    reviews = models.PositiveIntegerField(_("reviews used"))
    log_loss = models.FloatField(_("log loss of the fit"))
    rmse = models.FloatField(_("RMSE of the fit"))
    default_log_loss = models.FloatField(_("log loss of the defaults"))
    default_rmse = models.FloatField(_("RMSE of the defaults"))
    in_use = models.BooleanField(_("in use"), default=False)

    objects = ParameterSetQuerySet.as_manager()

    class Meta:
        ordering = ["user", "version"]
        verbose_name = _("fitted parameters")
        verbose_name_plural = _("fitted parameters")
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="parameterset_unique_version")]

    def __str__(self):
        return f"{self.user} v{self.version}"

    def parameters(self):
        return tuple(weight.value for weight in sorted(self.weights.all(), key=lambda weight: weight.index))

    def is_better(self):
        return self.log_loss < self.default_log_loss


class ParameterValue(models.Model):
    """One of a fitted set's 21 FSRS parameters (w0 to w20)."""

    parameter_set = models.ForeignKey(
        ParameterSet, on_delete=models.CASCADE, related_name="weights", verbose_name=_("fitted parameters")
    )
    index = models.PositiveSmallIntegerField(_("index"), validators=[MaxValueValidator(20)])
    value = models.FloatField(_("value"))

    class Meta:
        ordering = ["parameter_set", "index"]
        verbose_name = _("parameter value")
        verbose_name_plural = _("parameter values")
        constraints = [
            models.UniqueConstraint(fields=["parameter_set", "index"], name="parametervalue_unique_index"),
            models.CheckConstraint(condition=Q(index__lte=20), name="parametervalue_index_in_range"),
        ]

    def __str__(self):
        return f"w{self.index} = {self.value}"


# -- classes: the models are in quizzes/cohorts.py ---------------------------------------------------

from .cohorts import Cohort, CohortMembership, CohortTrainer  # noqa: E402, F401

# isort: split
# -- assignments: the models are in quizzes/assignments.py ----------------------------------------------

from .assignments import (  # noqa: E402, F401
    Assignment,
    AssignmentKind,
    AssignmentOverride,
    AssignmentStatus,
    AssignmentTarget,
    QuizRules,
    SectionVisit,
)
