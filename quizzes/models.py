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

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
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

from .grading import OptionData, QuestionData, fold


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
