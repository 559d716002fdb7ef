"""Workflows on the question bank that change several rows or models at once.

Where ``flag_questions_for_review`` must be called (an edit to content questions are made from):

- the briefings admin, when an editor saves a changed content item (``DerivedAdmin.save_model``:
  ``item=obj``) or a changed paragraph text (``ParagraphAdmin.save_model`` and the paragraph
  inline of ``SectionAdmin.save_formset``: ``paragraph=obj``); hooked in ``briefings/admin.py``;
- the importer (``briefings.actions.Importer``), after ``upsert`` updates an item it imported
  (``item=target``) and after ``_update_paragraph`` takes a new text (``paragraph=paragraph``),
  so a re-import of a revised article flags what it touched;
- any future editing path (the API, a management command) that changes an item or a paragraph.

``publish_questions`` is the only way back to ``published``: it re-checks the question, closes its
review flags and records the sources' current fingerprints.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from briefings.models import Paragraph

from .generation import Content, build_questions
from .models import AnswerOption, Question, QuestionSource, QuestionStatus, ReviewFlag


def change_reason(obj, changed_fields=()):
    """A reason for a review flag: "Leader “Assimi Goïta” changed: summary, year they came to power"."""
    names = [str(obj._meta.get_field(name).verbose_name) for name in changed_fields if _is_field(obj, name)]
    what = _("%(model)s “%(item)s” changed") % {"model": obj._meta.verbose_name.capitalize(), "item": obj}
    return f"{what}: {get_text_list(names, _('and'))}" if names else what


def _is_field(obj, name):
    try:
        obj._meta.get_field(name)
    except FieldDoesNotExist:  # a form field that is not a model field
        return False
    return True


@transaction.atomic
def flag_questions_for_review(*, item=None, paragraph=None, reason):
    """Mark every question made from ``item`` or citing ``paragraph`` as needing review.

    Each question gets status ``needs_review`` (recorded in its history with ``reason``) and one
    open ``ReviewFlag`` saying what changed; a question already flagged gets one more flag. Returns
    the number of questions flagged. A fixed number of queries, however many questions.
    """
    if item is None and paragraph is None:
        raise ValueError("flag_questions_for_review needs an item or a paragraph")
    condition = Q()
    sources = {}
    if item is not None:
        name = QuestionSource.field_for(item)
        sources = {source.question_id: source for source in QuestionSource.objects.filter(**{name: item})}
        condition |= Q(pk__in=list(sources))
    if paragraph is not None:
        condition |= Q(citations=paragraph)
    questions = list(Question.objects.filter(condition).distinct().order_by("pk"))
    if not questions:
        return 0
    cited = set()
    if paragraph is not None:
        cited = set(
            Question.citations.through.objects.filter(paragraph=paragraph).values_list("question_id", flat=True)
        )
    ReviewFlag.objects.bulk_create(
        ReviewFlag(
            question=question,
            reason=reason,
            source=sources.get(question.pk),
            paragraph=paragraph if question.pk in cited else None,
        )
        for question in questions
    )
    to_flag = [question for question in questions if question.status != QuestionStatus.NEEDS_REVIEW]
    now = timezone.now()
    for question in to_flag:
        question.status, question.updated_at = QuestionStatus.NEEDS_REVIEW, now
    if to_flag:
        bulk_update_with_history(
            to_flag, Question, ["status", "updated_at"], batch_size=500, default_change_reason=reason[:100]
        )
    return len(questions)


# Changing these does not change what an item or paragraph says.
_NOT_CONTENT = frozenset({"status", "position"})


def flag_questions_for_edit(*, obj, changed_fields):
    """After an editor saved ``obj`` (a content item or a paragraph): flag its questions if its content changed.

    Returns the number of questions flagged (0 when only status or position changed).
    """
    changed = [name for name in changed_fields if name not in _NOT_CONTENT]
    if not changed:
        return 0
    reason = change_reason(obj, changed)
    if isinstance(obj, Paragraph):
        return flag_questions_for_review(paragraph=obj, reason=reason)
    return flag_questions_for_review(item=obj, reason=reason)


@dataclass
class PublishResult:
    published: list = field(default_factory=list)
    already_published: list = field(default_factory=list)
    refused: dict = field(default_factory=dict)  # question -> list of messages


@transaction.atomic
def publish_questions(*, questions, user=None):
    """Publish each question that passes every rule; close its review flags; refresh its sources' fingerprints.

    ``questions`` is a Question queryset. A question that fails a rule (no explanation, no
    citation, options that do not fit its type...) stays as it is and is reported in ``refused``
    with the messages; the others are published together. A fixed number of queries.
    """
    rows = list(questions.with_answer_key().with_sources().order_by("pk"))
    result = PublishResult()
    for question in rows:
        if question.is_published():
            result.already_published.append(question)
            continue
        try:
            question.check_complete(status=QuestionStatus.PUBLISHED)
        except ValidationError as error:
            result.refused[question] = error.messages
        else:
            result.published.append(question)
    if not result.published:
        return result
    now = timezone.now()
    for question in result.published:
        question.status, question.updated_at = QuestionStatus.PUBLISHED, now
    bulk_update_with_history(
        result.published, Question, ["status", "updated_at"], batch_size=500, default_change_reason="Published"
    )
    ids = [question.pk for question in result.published]
    ReviewFlag.objects.filter(question_id__in=ids, resolved_at__isnull=True).update(resolved_at=now, resolved_by=user)
    sources = []
    for question in result.published:
        for source in question.sources.all():
            fingerprint = source.item.content_fingerprint()
            if fingerprint != source.item_fingerprint:
                source.item_fingerprint = fingerprint
                sources.append(source)
    if sources:
        bulk_update_with_history(sources, QuestionSource, ["item_fingerprint"], batch_size=500)
    return result


# -- the generator ---------------------------------------------------------------------------------


@dataclass
class GenerationReport:
    """What ``generate_questions`` did, by outcome; each list holds questions."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    skipped_edited: list = field(default_factory=list)
    retired: list = field(default_factory=list)  # generated before, no longer made from the content
    specs: dict = field(default_factory=dict)  # generator_key -> QuestionSpec, of this run

    def summary(self):
        return _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(skipped)d skipped (changed by an editor), %(retired)d no longer made from the content."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped_edited),
            "retired": len(self.retired),
        }

    def lines(self):
        """One line per question that needs an editor's attention."""
        for question in self.skipped_edited:
            yield _("Skipped %(key)s: an editor changed it since it was generated.") % {"key": question.generator_key}
        for question in self.updated:
            if question.status == QuestionStatus.NEEDS_REVIEW:
                yield _("Regenerated %(key)s from changed content: it needs review.") % {"key": question.generator_key}
        for question in self.retired:
            yield _(
                "%(key)s is no longer made from the content (an item was unpublished or is not from the article)."
            ) % {"key": question.generator_key}


REGENERATED_REASON = "Regenerated from changed content"
RETIRED_REASON = (
    "The generator no longer makes this question: an item it came from was unpublished or is not from the article"
)


def _source_keys(question):
    """The (model, pk) of each item a saved question is made from, without loading the items."""
    keys = set()
    for source in question.sources.all():
        for model, name in QuestionSource.ITEM_FIELDS.items():
            pk = getattr(source, f"{name}_id")
            if pk is not None:
                keys.add((model, pk))
    return keys


def _apply(question, spec):
    for name, value in spec.field_values().items():
        setattr(question, name, value)
    question.generator_key = spec.generator_key
    question.generated_fingerprint = spec.fingerprint()


@transaction.atomic
def generate_questions(*, items=None, user=None):
    """Build questions from the published content and save them as drafts; idempotent by ``generator_key``.

    ``items``: content items (any mix of models) to generate from; questions made from none of
    them are left alone. ``None`` means all the content, and then questions the generator made
    before but no longer makes are reported as retired (and, if published, flagged for review).

    Per question made: a new one is created as a draft; one an editor changed since it was
    generated (``is_edited_since_generation``) is skipped; an untouched one whose spec changed (its
    content items changed) is rewritten, and needs review if it was published; else nothing
    happens. A second run changes nothing. A fixed number of queries, however many items.
    """
    specs = build_questions(Content.load())
    if items is not None:
        wanted = {(type(item), item.pk) for item in items}
        specs = [spec for spec in specs if spec.source_keys() & wanted]
    report = GenerationReport(specs={spec.generator_key: spec for spec in specs})
    existing = {
        question.generator_key: question
        for question in Question.objects.filter(generator_key__in=list(report.specs))
        .with_answer_key()
        .prefetch_related("sources")
    }
    new, changed, resourced = [], [], []
    for spec in specs:
        question = existing.get(spec.generator_key)
        if question is None:
            question = Question(status=QuestionStatus.DRAFT)
            _apply(question, spec)
            new.append((question, spec))
        elif question.is_edited_since_generation():
            report.skipped_edited.append(question)
        elif question.generated_fingerprint != spec.fingerprint():
            changed.append((question, spec))
        elif _source_keys(question) != spec.source_keys():
            resourced.append((question, spec))
        else:
            report.unchanged.append(question)

    now = timezone.now()
    if new:
        bulk_create_with_history(
            [question for question, _spec in new], Question, default_user=user, default_change_reason="Generated"
        )
        report.created = [question for question, _spec in new]
    flagged = []
    for question, spec in changed:
        _apply(question, spec)
        question.updated_at = now
        if question.status == QuestionStatus.PUBLISHED:
            question.status = QuestionStatus.NEEDS_REVIEW
            flagged.append(question)
    if changed:
        bulk_update_with_history(
            [question for question, _spec in changed],
            Question,
            ["status", "updated_at", "generated_fingerprint", *Question.FINGERPRINT_FIELDS],
            batch_size=500,
            default_user=user,
            default_change_reason=REGENERATED_REASON,
        )
        ReviewFlag.objects.bulk_create(ReviewFlag(question=question, reason=REGENERATED_REASON) for question in flagged)
    rewritten = [*new, *changed]
    _write_rows(rewritten, options=[*new, *changed], sources=[*rewritten, *resourced], user=user)
    report.updated = [question for question, _spec in [*changed, *resourced]]
    if items is None:
        _retire(report, user=user)
    return report


def _write_rows(rewritten, *, options, sources, user):
    """Options, sections, citations and sources of the questions just created or rewritten: bulk, in a few queries."""
    ids = [question.pk for question, _spec in rewritten]
    AnswerOption.objects.filter(question_id__in=ids).delete()
    Question.sections.through.objects.filter(question_id__in=ids).delete()
    Question.citations.through.objects.filter(question_id__in=ids).delete()
    bulk_create_with_history(
        [AnswerOption(question=question, **option.__dict__) for question, spec in options for option in spec.options],
        AnswerOption,
        default_user=user,
    )
    Question.sections.through.objects.bulk_create(
        Question.sections.through(question_id=question.pk, section_id=section.pk)
        for question, spec in rewritten
        for section in spec.sections
    )
    Question.citations.through.objects.bulk_create(
        Question.citations.through(question_id=question.pk, paragraph_id=paragraph.pk)
        for question, spec in rewritten
        for paragraph in spec.citations
    )
    QuestionSource.objects.filter(question_id__in=[question.pk for question, _spec in sources]).delete()
    bulk_create_with_history(
        [QuestionSource.for_item(item, question=question) for question, spec in sources for item in spec.sources],
        QuestionSource,
        default_user=user,
    )


def _retire(report, *, user):
    gone = list(
        Question.objects.filter(generator_key__isnull=False)
        .exclude(generator_key__in=list(report.specs))
        .prefetch_related(None)
        .order_by("pk")
    )
    report.retired = gone
    published = [question for question in gone if question.status == QuestionStatus.PUBLISHED]
    now = timezone.now()
    for question in published:
        question.status, question.updated_at = QuestionStatus.NEEDS_REVIEW, now
    if published:
        bulk_update_with_history(
            published,
            Question,
            ["status", "updated_at"],
            batch_size=500,
            default_user=user,
            default_change_reason=RETIRED_REASON[:100],
        )
        ReviewFlag.objects.bulk_create(ReviewFlag(question=question, reason=RETIRED_REASON) for question in published)


# -- the shipped, reviewed questions -----------------------------------------------------------------


class ReviewedQuestionsError(ValueError):
    """The reviewed-questions file cannot be read; nothing was written."""


REVIEW_FIELDS = ("key", "prompt", "statement", "answer", "wrong", "explanation", "cites")


def read_reviewed_questions(path):
    """The records of a reviewed-questions file (``quizzes/content/questions.yaml``), checked for shape.

    The file is a YAML list; each entry is what a reviewer checked (``QuestionSpec.review_record()``):
    ``key``, ``prompt``, ``answer``, ``explanation``, ``cites``, and ``statement`` and ``wrong`` where
    the question has them. Raises ``ReviewedQuestionsError`` naming the file and the entry.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReviewedQuestionsError(_("%(path)s: no such file.") % {"path": path}) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewedQuestionsError(_("%(path)s cannot be read: %(error)s") % {"path": path, "error": error}) from None
    except yaml.YAMLError as error:
        raise ReviewedQuestionsError(
            _("%(path)s is not valid YAML: %(error)s") % {"path": path, "error": error}
        ) from None
    if not isinstance(data, list) or not data:
        raise ReviewedQuestionsError(_("%(path)s must be a non-empty list of reviewed questions.") % {"path": path})
    seen = set()
    for number, record in enumerate(data, start=1):
        where = _("%(path)s, entry %(number)d") % {"path": path, "number": number}
        if not isinstance(record, dict):
            raise ReviewedQuestionsError(_("%(where)s: each entry is a mapping with a key.") % {"where": where})
        unknown = sorted(set(record) - set(REVIEW_FIELDS))
        missing = [name for name in ("key", "prompt", "answer", "explanation", "cites") if name not in record]
        if unknown or missing:
            raise ReviewedQuestionsError(
                _("%(where)s: unknown fields %(unknown)s, missing fields %(missing)s.")
                % {"where": where, "unknown": unknown or "none", "missing": missing or "none"}
            )
        if not isinstance(record["key"], str) or not record["key"].strip():
            raise ReviewedQuestionsError(_("%(where)s: the key must be text.") % {"where": where})
        if record["key"] in seen:
            raise ReviewedQuestionsError(
                _("%(where)s: %(key)s appears twice.") % {"where": where, "key": record["key"]}
            )
        seen.add(record["key"])
    return data


@dataclass
class ReviewedReport:
    generation: GenerationReport
    published: list = field(default_factory=list)
    already_published: list = field(default_factory=list)
    not_generated: list = field(default_factory=list)  # keys the content no longer makes
    differs: list = field(default_factory=list)  # keys whose question is not what was reviewed
    left_alone: list = field(default_factory=list)  # edited by an editor, needing review, or unpublished by one
    refused: dict = field(default_factory=dict)

    def summary(self):
        return _(
            "%(published)d reviewed questions published, %(already)d already published, %(alone)d left to the "
            "editors, %(differs)d differ from their review, %(missing)d no longer generated."
        ) % {
            "published": len(self.published),
            "already": len(self.already_published),
            "alone": len(self.left_alone),
            "differs": len(self.differs),
            "missing": len(self.not_generated),
        }

    def lines(self):
        for key in self.not_generated:
            yield _("%(key)s was reviewed but the content no longer makes it: review the file.") % {"key": key}
        for key in self.differs:
            yield _("%(key)s is not the question that was reviewed (its content changed): not published.") % {
                "key": key
            }
        for question, errors in self.refused.items():
            yield _("%(key)s cannot be published: %(errors)s") % {
                "key": question.generator_key,
                "errors": " ".join(errors),
            }


@transaction.atomic
def publish_reviewed_questions(*, path, user=None):
    """Generate the questions, then publish those a reviewer checked, as listed in ``path``.

    A listed question is published only when the generated question is exactly what was reviewed
    (its ``review_record()`` equals the file's entry), nobody has changed it, and it has never been
    published: so a re-run changes nothing, and an editor's change, unpublishing or review is never
    undone. Everything else is reported. Raises ``ReviewedQuestionsError`` (nothing written) when
    the file cannot be read.
    """
    records = read_reviewed_questions(path)
    generation = generate_questions(user=user)
    report = ReviewedReport(generation=generation)
    keys = [record["key"] for record in records]
    questions = {
        question.generator_key: question
        for question in Question.objects.filter(generator_key__in=keys).with_answer_key()
    }
    ever_published = set(
        Question.history.filter(id__in=[q.pk for q in questions.values()], status=QuestionStatus.PUBLISHED)
        .values_list("id", flat=True)
        .distinct()
    )
    to_publish = []
    for record in records:
        key = record["key"]
        spec, question = generation.specs.get(key), questions.get(key)
        if spec is None or question is None:
            report.not_generated.append(key)
        elif question.is_published():
            report.already_published.append(question)
        elif spec.review_record() != record:
            report.differs.append(key)
        elif (
            question.is_edited_since_generation()
            or question.status != QuestionStatus.DRAFT
            or question.pk in ever_published
        ):
            report.left_alone.append(question)
        else:
            to_publish.append(question.pk)
    if to_publish:
        result = publish_questions(questions=Question.objects.filter(pk__in=to_publish), user=user)
        report.published, report.refused = result.published, result.refused
    return report
