"""A study card: options in an order seeded by its review, its own ids, and the answer checked against them."""

from fractions import Fraction

import pytest

from quizzes.models import AnswerShapeError, Deck, ReviewState, StudyCard, StudyRating
from tests import factories

pytestmark = pytest.mark.django_db


def _card(question, user=None, reps=0):
    user = user or factories.student()
    return StudyCard(factories.ReviewStateFactory(user=user, question=question, reps=reps))


def _row(card, label):
    return next(row for row in card.items() if row.label == label)


def test_the_options_are_numbered_from_one_on_the_card_not_by_their_database_ids():
    question = factories.question_of_each_type()["single"]
    card = _card(question)
    assert sorted(row.pk for row in card.items()) == [1, 2]
    assert {row.label for row in card.items()} == {"Assimi Goïta", "Ibrahim Traoré"}


def test_the_order_is_the_same_for_the_same_review_and_may_change_with_the_next():
    question = factories.QuestionFactory()
    for position in range(1, 7):
        factories.AnswerOptionFactory(question=question, text=f"Option {position}", position=position)
    user = factories.student()
    state = factories.ReviewStateFactory(user=user, question=question)
    first = [row.label for row in StudyCard(state).items()]
    assert [row.label for row in StudyCard(ReviewState.objects.get(pk=state.pk)).items()] == first
    orders = set()
    for reps in range(1, 8):
        state.reps = reps
        orders.add(tuple(row.label for row in StudyCard(state).items()))
    assert len(orders) > 1


def test_an_ordering_card_is_never_shown_in_the_right_order():
    question = factories.question_of_each_type()["ordering"]
    for reps in range(10):
        card = _card(question, reps=reps)
        assert [row.label for row in card.items()] != ["Coup in Mali", "Coup in Burkina Faso", "Coup in Niger"]


def test_a_right_choice_is_right_and_suggests_good():
    question = factories.question_of_each_type()["single"]
    card = _card(question)
    check = card.check([_row(card, "Assimi Goïta").pk])
    assert (check.fraction, check.outcome, check.suggested_rating()) == (Fraction(1), "right", StudyRating.GOOD)
    assert check.right == [_row(card, "Assimi Goïta").pk]
    assert check.feedback == []


def test_a_wrong_choice_is_wrong_suggests_again_and_shows_its_feedback():
    question = factories.question_of_each_type()["single"]
    card = _card(question)
    check = card.check([_row(card, "Ibrahim Traoré").pk])
    assert (check.fraction, check.outcome, check.suggested_rating()) == (Fraction(0), "wrong", StudyRating.AGAIN)
    assert check.feedback == ["He leads Burkina Faso."]


def test_a_partly_right_answer_suggests_hard():
    question = factories.question_of_each_type()["ordering"]
    card = _card(question)
    by_label = {row.label: row.pk for row in card.items()}
    check = card.check([by_label["Coup in Burkina Faso"], by_label["Coup in Mali"], by_label["Coup in Niger"]])
    assert (check.fraction, check.suggested_rating()) == (Fraction(4, 6), StudyRating.HARD)
    assert check.right == [by_label["Coup in Mali"], by_label["Coup in Burkina Faso"], by_label["Coup in Niger"]]


def test_matching_is_answered_with_the_cards_own_ids_on_both_sides():
    question = factories.question_of_each_type()["matching"]
    card = _card(question)
    answers = {row.label: row.pk for row in card.match_choices()}
    assert sorted(answers) == ["Burkina Faso", "Chad", "Mali"]
    items = {row.label: row.pk for row in card.items()}
    check = card.check({items["Assimi Goïta"]: answers["Mali"], items["Ibrahim Traoré"]: answers["Chad"]})
    assert check.fraction == Fraction(1, 2)


def test_typed_answers_show_no_options_and_are_checked_as_in_a_quiz():
    made = factories.question_of_each_type()
    numeric = _card(made["numeric"])
    assert numeric.items() == []
    assert numeric.check("1,480 troops").fraction == Fraction(1)
    assert _card(made["short_answer"]).check("goita").fraction == Fraction(1)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([], "Choose an option."),
        ([9], "That option is not one of this question's options."),
        ([1, 1], "Each option may be given only once."),
        ("1", "Give the options as a list of their ids."),
        ([1, 2], "Choose only one option."),
    ],
)
def test_an_answer_that_is_not_one_is_refused_with_a_message(answer, message):
    card = _card(factories.question_of_each_type()["single"])
    with pytest.raises(AnswerShapeError) as refused:
        card.check(answer)
    assert refused.value.message == message


def test_a_new_card_is_version_zero_until_saved():
    question = factories.question_of_each_type()["single"]
    card = StudyCard(ReviewState(user=factories.student(), question=question, due=question.created_at))
    assert card.version == 0
    assert len(card.items()) == 2


def test_a_country_deck_holds_the_questions_made_from_the_country_or_what_is_about_it():
    mali = factories.CountryFactory(slug="mali")
    niger = factories.CountryFactory(slug="niger")
    from_country = factories.QuestionSourceFactory(leader=None, country=mali).question
    from_leader = factories.QuestionSourceFactory(leader=factories.LeaderFactory(country=mali)).question
    event = factories.TimelineEventFactory()
    event.countries.set([mali, niger])
    from_event = factories.QuestionSourceFactory(leader=None, timeline_event=event).question
    actor = factories.ActorFactory()
    actor.countries.set([mali])
    from_actor = factories.QuestionSourceFactory(leader=None, actor=actor).question
    from_figure = factories.QuestionSourceFactory(
        leader=None, key_figure=factories.KeyFigureFactory(country=mali)
    ).question
    factories.QuestionSourceFactory(leader=factories.LeaderFactory(country=niger))
    draft = factories.QuestionSourceFactory(leader=None, country=mali).question
    draft.status = "draft"
    draft.save()
    expected = {from_country, from_leader, from_event, from_actor, from_figure}
    assert set(Deck.parse("country:mali").questions(factories.student())) == expected
    assert set(Deck.parse("country:atlantis").questions(factories.student())) == set()


def test_a_deck_names_a_known_kind_with_a_key_where_it_needs_one():
    assert Deck.parse("country:mali") == Deck("country", "mali")
    with pytest.raises(ValueError, match="There is no deck “country”."):
        Deck.parse("country")
