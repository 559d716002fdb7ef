"""Helpers for tests of attempts: the right answer in the ids an attempt shows, by type."""

from quizzes.models import AttemptOption, AttemptQuestion


def slots_of(attempt):
    return list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related("shown_options__option", "question__options")
        .order_by("position")
    )


def right_answer(slot):
    """The answer scoring 1, as the student sends it (the attempt's option ids, or text)."""
    qtype = slot.question.qtype
    items = [row for row in slot.shown_options.all() if row.column == AttemptOption.Column.ITEM]
    matches = [row for row in slot.shown_options.all() if row.column == AttemptOption.Column.MATCH]
    if qtype == "ordering":
        return [row.pk for row in sorted(items, key=lambda row: row.option.position)]
    if qtype == "matching":
        return {row.pk: next(m.pk for m in matches if m.option.match == row.option.match) for row in items}
    if qtype == "numeric":
        return str(slot.question.numeric_answer)
    if qtype == "short_answer":
        return next(option.text for option in slot.question.options.all() if option.is_correct)
    return [row.pk for row in items if row.option.is_correct]


def wrong_choice(slot):
    items = [row for row in slot.shown_options.all() if row.column == AttemptOption.Column.ITEM]
    return [next(row.pk for row in items if not row.option.is_correct)]
