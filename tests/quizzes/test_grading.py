"""Scoring per type: worked examples with exact values, and properties over any response (hypothesis)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes import grading
from quizzes.grading import NumericResponse, OptionData, QuestionData, cbm_mark, fold, parse_number, score
from quizzes.models import QuestionType


def options(*specs):
    """OptionData from (text, is_correct) pairs, ids 1..n, positions 1..n."""
    return tuple(
        OptionData(id=index, text=text, is_correct=right, position=index)
        for index, (text, right) in enumerate(specs, start=1)
    )


SINGLE = QuestionData(
    qtype="single", options=options(("Assimi Goïta", True), ("Ibrahim Traoré", False), ("Abdourahamane Tiani", False))
)
MULTIPLE = QuestionData(
    qtype="multiple",
    options=options(("Mali", True), ("Burkina Faso", True), ("Niger", True), ("Senegal", False), ("Chad", False)),
)
TRUE_FALSE = QuestionData(qtype="true_false", options=options(("True", False), ("False", True)))
KIND = QuestionData(
    qtype="statement_kind",
    kind="analysis",
    options=(
        OptionData(id=1, kind="fact"),
        OptionData(id=2, kind="analysis", is_correct=True),
        OptionData(id=3, kind="claim"),
    ),
)
# Correct order: ids 1, 2, 3, 4 (positions 1..4), presented in any order.
ORDERING = QuestionData(
    qtype="ordering",
    options=options(("Coup in Mali", False), ("Coup in Burkina Faso", False), ("Coup in Niger", False), ("AES", False)),
)
MATCHING = QuestionData(
    qtype="matching",
    options=(
        OptionData(id=1, text="Assimi Goïta", match="Mali", position=1),
        OptionData(id=2, text="Ibrahim Traoré", match="Burkina Faso", position=2),
        OptionData(id=3, text="Abdourahamane Tiani", match="Niger", position=3),
        OptionData(id=4, text="", match="Chad", position=4),
    ),
)
NUMERIC = QuestionData(qtype="numeric", numeric_answer=Decimal("1486"), tolerance=Decimal("10"), unit="troops")
SHORT = QuestionData(
    qtype="short_answer",
    options=(
        OptionData(id=1, text="Goïta", is_correct=True),
        OptionData(id=2, text="Assimi Goïta", is_correct=True),
        OptionData(id=3, text="Traoré", is_correct=False),
    ),
)
CITY = QuestionData(qtype="short_answer", options=(OptionData(id=1, text="N’Djamena", is_correct=True),))
EVERY_TYPE = (SINGLE, MULTIPLE, TRUE_FALSE, KIND, ORDERING, MATCHING, NUMERIC, SHORT)


def test_a_scorer_for_every_question_type():
    assert set(grading.SCORERS) == set(QuestionType.values)
    assert {question.qtype for question in EVERY_TYPE} == set(QuestionType.values)


@pytest.mark.parametrize("question", EVERY_TYPE, ids=lambda q: q.qtype)
def test_the_right_answer_scores_the_maximum(question):
    assert score(question, grading.right_response(question)) == Fraction(1)


@pytest.mark.parametrize("question", EVERY_TYPE, ids=lambda q: q.qtype)
def test_no_answer_scores_zero(question):
    assert score(question, None) == Fraction(0)


# -- worked examples, one block per type --------------------------------------------------------


def test_single_answer():
    assert score(SINGLE, {1}) == 1
    assert score(SINGLE, {2}) == 0
    assert score(SINGLE, set()) == 0


def test_single_answer_rejects_two_choices_and_foreign_options():
    with pytest.raises(grading.InvalidResponse, match="only one"):
        score(SINGLE, {1, 2})
    with pytest.raises(grading.InvalidResponse, match="not one of this question"):
        score(SINGLE, {99})
    with pytest.raises(grading.InvalidResponse):
        score(SINGLE, 1)


def test_true_false_and_which_kind():
    assert score(TRUE_FALSE, {2}) == 1
    assert score(TRUE_FALSE, {1}) == 0
    assert score(KIND, {2}) == 1
    assert score(KIND, {3}) == 0


def test_multiple_answer_moodle_weights():
    # 3 right options (+1/3 each), 2 wrong (-1/2 each).
    assert score(MULTIPLE, {1, 2, 3}) == 1
    assert score(MULTIPLE, {1, 2}) == Fraction(2, 3)
    assert score(MULTIPLE, {1}) == Fraction(1, 3)
    assert score(MULTIPLE, {1, 2, 4}) == Fraction(1, 6)
    assert score(MULTIPLE, {1, 2, 3, 4}) == Fraction(1, 2)
    assert score(MULTIPLE, {1, 2, 3, 4, 5}) == 0
    assert score(MULTIPLE, {1, 4}) == 0  # 1/3 - 1/2, kept at 0
    assert score(MULTIPLE, {4, 5}) == 0


def test_multiple_answer_where_every_option_is_right():
    question = QuestionData(qtype="multiple", options=options(("A", True), ("B", True)))

    assert score(question, {1}) == Fraction(1, 2)
    assert score(question, {1, 2}) == 1


def test_ordering_relative_to_the_correct_position():
    # n = 4: each item scores 3 - distance, floored at 0; maximum 4 * 3 = 12.
    assert score(ORDERING, [1, 2, 3, 4]) == 1
    assert score(ORDERING, [2, 1, 3, 4]) == Fraction(10, 12)
    assert score(ORDERING, [4, 3, 2, 1]) == Fraction(4, 12)  # distances 3, 1, 1, 3 -> 0 + 2 + 2 + 0
    assert score(ORDERING, [4, 1, 2, 3]) == Fraction(6, 12)  # distances 1, 1, 1, 3 -> 2 + 2 + 2 + 0


def test_ordering_of_three_reversed_scores_a_third():
    question = QuestionData(qtype="ordering", options=options(("A", False), ("B", False), ("C", False)))

    assert score(question, [3, 2, 1]) == Fraction(1, 3)


def test_ordering_needs_every_item_once():
    with pytest.raises(grading.InvalidResponse, match="each once"):
        score(ORDERING, [1, 2, 3])
    with pytest.raises(grading.InvalidResponse, match="each once"):
        score(ORDERING, [1, 1, 2, 3])
    with pytest.raises(grading.InvalidResponse):
        score(ORDERING, "1234")


def test_matching_scores_the_share_of_right_pairs():
    assert score(MATCHING, {1: 1, 2: 2, 3: 3}) == 1
    assert score(MATCHING, {1: 1, 2: 3, 3: 2}) == Fraction(1, 3)
    assert score(MATCHING, {1: 4, 2: 2}) == Fraction(1, 3)  # a distractor, a right pair, one unanswered
    assert score(MATCHING, {}) == 0


def test_matching_accepts_either_option_with_the_same_match():
    question = QuestionData(
        qtype="matching",
        options=(
            OptionData(id=1, text="JNIM", match="Jihadist group"),
            OptionData(id=2, text="ISSP", match="Jihadist group"),
            OptionData(id=3, text="Africa Corps", match="Paramilitary group"),
        ),
    )

    assert score(question, {1: 2, 2: 1, 3: 3}) == 1


def test_matching_rejects_foreign_items():
    with pytest.raises(grading.InvalidResponse, match="not one of this question's items"):
        score(MATCHING, {4: 1})  # the distractor row is not an item to match
    with pytest.raises(grading.InvalidResponse, match="answers"):
        score(MATCHING, {1: 99})


def test_numeric_within_absolute_tolerance():
    assert score(NUMERIC, NumericResponse(Decimal("1486"))) == 1
    assert score(NUMERIC, NumericResponse(Decimal("1476"))) == 1
    assert score(NUMERIC, NumericResponse(Decimal("1496"))) == 1
    assert score(NUMERIC, NumericResponse(Decimal("1496.01"))) == 0
    assert score(NUMERIC, NumericResponse(Decimal("1475"))) == 0


def test_numeric_unit_is_optional_and_a_wrong_one_costs_a_tenth():
    assert score(NUMERIC, "1,486") == 1
    assert score(NUMERIC, "1486 Troops") == 1
    assert score(NUMERIC, "1486 soldiers") == Fraction(9, 10)
    assert score(NUMERIC, "1600 soldiers") == 0


def test_numeric_exact_and_percent():
    question = QuestionData(qtype="numeric", numeric_answer=Decimal("17"), tolerance=Decimal("0"), unit="%")

    assert score(question, "17%") == 1
    assert score(question, "17 %") == 1
    assert score(question, "17.5%") == 0
    assert score(question, "17 km") == Fraction(9, 10)


def test_numeric_text_that_is_not_a_number_is_invalid():
    with pytest.raises(grading.InvalidResponse, match="Type a number"):
        score(NUMERIC, "about a thousand")


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1,486", Decimal("1486"), ""),
        ("1486", Decimal("1486"), ""),
        ("5 100 troops", Decimal("5100"), "troops"),
        ("2.5 billion", Decimal("2500000000"), ""),
        ("$2.5bn", Decimal("2500000000"), "USD"),
        ("$2.5 billion", Decimal("2500000000"), "USD"),
        ("17%", Decimal("17"), "%"),
        ("2,5", Decimal("2.5"), ""),
        ("-3", Decimal("-3"), ""),
        ("  42 people ", Decimal("42"), "people"),
    ],
)
def test_parse_number(text, value, unit):
    assert parse_number(text) == NumericResponse(value=value, unit=unit)


def test_short_answer_folds_case_accents_and_punctuation():
    assert score(SHORT, "Goïta") == 1
    assert score(SHORT, "Goita") == 1
    assert score(SHORT, "goïta") == 1
    assert score(SHORT, "  GOITA ") == 1
    assert score(SHORT, "assimi   goita") == 1
    assert score(SHORT, "Traoré") == 0
    assert score(SHORT, "Goitá!") == 1
    assert score(SHORT, "") == 0
    assert score(CITY, "Ndjamena") == 1
    assert score(CITY, "N'Djamena") == 1
    assert score(CITY, "n’djaména") == 1
    assert score(CITY, "Djamena") == 0


def test_short_answer_finds_the_wrong_answer_an_editor_anticipated():
    assert grading.matching_option(SHORT, "traore") == SHORT.options[2]
    assert grading.matching_option(SHORT, "goita") == SHORT.options[0]
    assert grading.matching_option(SHORT, "Tiani") is None


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Goïta", "goita"),
        ("N’Djamena", "ndjamena"),
        ("Burkina-Faso", "burkina faso"),
        ("U.N.", "un"),
        ("  Alliance   des États du Sahel ", "alliance des etats du sahel"),
        ("Straße", "strasse"),
        ("ﬁve", "five"),
        ("—", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


# -- certainty-based marking --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fraction", "certainty", "mark"),
    [
        (1, 1, 1),
        (1, 2, 2),
        (1, 3, 3),
        (0, 1, 0),
        (0, 2, -2),
        (0, 3, -6),
        (Fraction(1, 2), 3, Fraction(3, 2)),
        (Fraction(2, 3), 2, Fraction(4, 3)),
        (1, None, 1),
        (0, None, 0),
    ],
)
def test_cbm_marks(fraction, certainty, mark):
    assert cbm_mark(fraction, certainty) == mark


def test_cbm_rejects_a_certainty_outside_one_to_three():
    with pytest.raises(grading.InvalidResponse, match="1, 2 or 3"):
        cbm_mark(1, 4)
    with pytest.raises(ValueError, match="between 0 and 1"):
        cbm_mark(Fraction(3, 2), 1)


# -- properties ---------------------------------------------------------------------------------

ids = st.integers(min_value=1, max_value=6)


@st.composite
def choice_questions(draw):
    count = draw(st.integers(min_value=2, max_value=6))
    right = draw(st.sets(st.integers(min_value=1, max_value=count), min_size=1))
    return QuestionData(
        qtype="multiple",
        options=tuple(OptionData(id=i, text=f"Option {i}", is_correct=i in right) for i in range(1, count + 1)),
    )


@given(question=choice_questions(), data=st.data())
def test_any_multiple_answer_scores_within_bounds(question, data):
    chosen = data.draw(st.sets(st.sampled_from(sorted(question.option_ids()))))

    assert 0 <= score(question, chosen) <= 1
    assert score(question, grading.right_response(question)) == 1


@given(count=st.integers(min_value=3, max_value=8), data=st.data())
def test_any_order_scores_within_bounds_and_only_the_right_one_scores_one(count, data):
    question = QuestionData(
        qtype="ordering", options=tuple(OptionData(id=i, text=f"E{i}", position=i) for i in range(1, count + 1))
    )
    order = data.draw(st.permutations(list(range(1, count + 1))))

    result = score(question, order)

    assert 0 <= result <= 1
    assert (result == 1) == (order == list(range(1, count + 1)))


@given(data=st.data())
def test_any_matching_scores_within_bounds(data):
    right_ids = [1, 2, 3, 4]
    chosen = data.draw(st.dictionaries(st.sampled_from([1, 2, 3]), st.sampled_from(right_ids)))

    assert 0 <= score(MATCHING, chosen) <= 1


@given(value=st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=2), unit=st.text(max_size=8))
def test_any_number_scores_within_bounds(value, unit):
    result = score(NUMERIC, NumericResponse(value=value, unit=unit))

    assert result in {Fraction(0), Fraction(9, 10), Fraction(1)}


@given(text=st.text(max_size=30))
def test_any_typed_text_scores_zero_or_one(text):
    assert score(SHORT, text) in {Fraction(0), Fraction(1)}


@given(word=st.sampled_from(["Goïta", "Goita", "goïta", "GOÏTA", "goita", "Goïta.", "Goïta’"]))
def test_folding_makes_every_spelling_of_goita_right(word):
    assert score(SHORT, word) == 1


@given(fraction=st.fractions(min_value=0, max_value=1), certainty=st.sampled_from([1, 2, 3]))
def test_any_cbm_mark_lies_between_minus_six_and_three(fraction, certainty):
    mark = cbm_mark(fraction, certainty)

    assert -6 <= mark <= 3
    assert mark <= cbm_mark(1, certainty)
