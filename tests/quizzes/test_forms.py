"""The answer forms: POST data in, the ``answer`` that ``save_response`` takes out; the answer given shown back."""

import pytest
from django.http import QueryDict
from django.utils import timezone

from quizzes import actions
from quizzes.forms import FlagForm, answer_form
from tests import factories

from .attempt_helpers import right_answer, slots_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def slots():
    """One in-progress attempt at one question of each type, its slots by type."""
    made = factories.question_of_each_type()
    quiz = factories.quiz_with(list(made.values()), slug="all", certainty_based=True)
    attempt = actions.start_attempt(quiz=quiz, user=factories.student(), now=timezone.now())
    return {slot.question.qtype: slot for slot in slots_of(attempt)}


def _form(slot, data=None):
    return answer_form(slot, slot.attempt.quiz, data)


def _post(**values):
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key, [str(item) for item in value] if isinstance(value, list) else [str(value)])
    return data


def test_a_single_answer_is_a_list_of_one_option(slots):
    slot = slots["single"]
    right = right_answer(slot)

    form = _form(slot, _post(answer=right[0], certainty=2))

    assert form.is_valid(), form.errors
    assert (form.answer(), form.chosen_certainty()) == (right, 2)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "Choose an option."),
        ({"answer": "x"}, "That option is not one of this question's options."),
        ({"answer": "0"}, "That option is not one of this question's options."),
    ],
)
def test_a_single_answer_must_be_one_of_the_attempt_s_options(slots, values, message):
    form = _form(slots["single"], _post(**values))

    assert not form.is_valid()
    assert form.errors == {"answer": [message]}


def test_two_options_for_a_single_answer_are_refused(slots):
    slot = slots["single"]
    ids = [row.pk for row in slot.items()]

    form = _form(slot, _post(answer=ids))

    assert not form.is_valid()
    assert form.errors == {"__all__": ["Choose only one option."]}


def test_multiple_answers_are_the_list_ticked(slots):
    slot = slots["multiple"]
    ids = [row.pk for row in slot.items()]

    form = _form(slot, _post(answer=ids))

    assert form.is_valid(), form.errors
    assert form.answer() == ids


def test_an_ordering_is_the_items_sorted_by_the_places_given(slots):
    slot = slots["ordering"]
    items = slot.items()
    places = {items[0].pk: 3, items[1].pk: 1, items[2].pk: 2}

    form = _form(slot, _post(**{f"place-{pk}": place for pk, place in places.items()}))

    assert form.is_valid(), form.errors
    assert form.answer() == [items[1].pk, items[2].pk, items[0].pk]


def test_an_unanswered_ordering_starts_in_the_attempt_s_order(slots):
    slot = slots["ordering"]

    form = _form(slot)

    assert [form[f"place-{row.pk}"].value() for row in slot.items()] == [1, 2, 3]
    assert [form[name].label for name in form.fields if name.startswith("place-")] == [
        row.label for row in slot.items()
    ]


@pytest.mark.parametrize(
    ("places", "errors"),
    [
        ((1, 1, 2), {"__all__": ["Give each item its own place: place 1 is given more than once."]}),
        ((1, 1, 1), {"__all__": ["Give each item its own place: place 1 is given more than once."]}),
        ((1, 2, 4), {"place-{2}": ["A place is a number from 1 to 3."]}),
        ((1, 2, None), {"place-{2}": ["Give every item its place."]}),
    ],
)
def test_an_ordering_needs_every_place_once(slots, places, errors):
    slot = slots["ordering"]
    items = slot.items()
    data = {f"place-{row.pk}": place for row, place in zip(items, places, strict=True) if place is not None}

    form = _form(slot, _post(**data))

    assert not form.is_valid()
    expected = {key.replace("{2}", str(items[2].pk)): value for key, value in errors.items()}
    assert form.errors == expected


def test_a_matching_is_each_item_s_answer_or_none(slots):
    slot = slots["matching"]
    items, matches = slot.items(), slot.match_choices()

    form = _form(slot, _post(**{f"match-{items[0].pk}": matches[0].pk, f"match-{items[1].pk}": ""}))

    assert form.is_valid(), form.errors
    assert form.answer() == {items[0].pk: matches[0].pk, items[1].pk: None}


def test_a_matching_needs_one_item_matched_and_known_answers(slots):
    slot = slots["matching"]
    items = slot.items()

    blank = _form(slot, _post(**{f"match-{row.pk}": "" for row in items}))
    unknown = _form(slot, _post(**{f"match-{items[0].pk}": items[1].pk}))  # an item, not an answer

    assert blank.errors == {"__all__": ["Match at least one item to an answer."]}
    assert unknown.errors == {f"match-{items[0].pk}": ["That answer is not one of this question's answers."]}


@pytest.mark.parametrize("qtype", ["numeric", "short_answer"])
def test_a_typed_answer_is_the_text_without_surrounding_spaces(slots, qtype):
    form = _form(slots[qtype], _post(answer="  1,486 troops "))

    assert form.is_valid(), form.errors
    assert form.answer() == "1,486 troops"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Type your answer."), ("   ", "Type your answer."), ("x" * 501, None)],
)
def test_a_typed_answer_must_be_there_and_not_too_long(slots, text, message):
    form = _form(slots["short_answer"], _post(answer=text))

    assert not form.is_valid()
    if message:
        assert form.errors == {"answer": [message]}
    else:
        assert list(form.errors) == ["answer"]


def test_the_certainty_is_optional_and_one_to_three(slots):
    slot = slots["short_answer"]

    assert _form(slot, _post(answer="Goïta")).is_valid()
    assert _form(slot, _post(answer="Goïta", certainty="")).is_valid()
    bad = _form(slot, _post(answer="Goïta", certainty="7"))
    assert bad.errors == {"certainty": ["Certainty is 1, 2 or 3."]}


def test_a_quiz_without_certainty_has_no_certainty_field():
    question = factories.question_of_each_type()["single"]
    quiz = factories.quiz_with([question], slug="plain")
    attempt = actions.start_attempt(quiz=quiz, user=factories.student(), now=timezone.now())
    slot = slots_of(attempt)[0]

    form = answer_form(slot, quiz, _post(answer=right_answer(slot)[0], certainty=3))

    assert list(form.fields) == ["answer"]
    assert form.is_valid()
    assert form.chosen_certainty() is None


def test_each_form_shows_the_answer_given(slots):
    attempt = slots["single"].attempt
    now = timezone.now()
    for slot in slots.values():
        actions.save_response(attempt=attempt, slot=slot, answer=right_answer(slot), certainty=2, now=now)
    fresh = {slot.question.qtype: slot for slot in slots_of(attempt)}

    initial = {qtype: _form(slot).initial for qtype, slot in fresh.items()}

    def right(qtype):
        return right_answer(fresh[qtype])

    assert initial["single"] == {"answer": right("single")[0], "certainty": 2}
    assert initial["multiple"] == {"answer": right("multiple"), "certainty": 2}
    assert initial["ordering"] == {
        **{f"place-{pk}": place for place, pk in enumerate(right("ordering"), start=1)},
        "certainty": 2,
    }
    assert initial["matching"] == {**{f"match-{k}": v for k, v in right("matching").items()}, "certainty": 2}
    assert initial["numeric"] == {"answer": "1486.0000", "certainty": 2}
    assert initial["short_answer"] == {"answer": "Goïta", "certainty": 2}


@pytest.mark.parametrize(("value", "flagged"), [("1", True), ("0", False)])
def test_the_flag_form_reads_one_and_zero(value, flagged):
    form = FlagForm({"flagged": value})
    assert form.is_valid()
    assert form.cleaned_data["flagged"] is flagged


@pytest.mark.parametrize("value", ["", "true", "2"])
def test_the_flag_form_refuses_anything_else(value):
    assert FlagForm({"flagged": value}).errors == {"flagged": ["Say whether to flag the question (1) or not (0)."]}
