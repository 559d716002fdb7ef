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

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from briefings.models import Paragraph

from .models import Question, QuestionSource, QuestionStatus, ReviewFlag


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
