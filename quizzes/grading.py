"""Scoring a response to a question: pure functions, no database. This docstring is the rules' spec.

A question is read as a ``QuestionData`` (``Question.grading_data()`` builds one) and a response
as plain Python values. ``score(question, response)`` returns the mark as an exact
``fractions.Fraction`` from ``MIN_SCORE`` (0) to ``MAX_SCORE`` (1); an unanswered question
(``None``) scores 0. A response that is not an answer to that question (an option it does not
have, two choices for a single-answer question, text that is not a number) raises
``InvalidResponse``: the caller answers 4xx and stores nothing.

Rules per type (the ``qtype`` values of ``quizzes.models.QuestionType``):

``single``, ``true_false``, ``statement_kind``
    The response is a collection of at most one option id. 1 for the right option, else 0.

``multiple``
    The response is a collection of option ids. Moodle's standard weighting for a
    multiple-answer question: each right option chosen adds 1/R (R = the number of right
    options), each wrong option chosen takes away 1/W (W = the number of wrong options); the sum
    is kept within [0, 1]. So all right options and no wrong one is 1, every option ticked is 0,
    and guessing everything never pays. (Moodle lets a teacher set each option's weight; these
    are the weights its documentation recommends and we use for every question.)

``ordering``
    The response is the sequence of all the question's option ids, in the student's order.
    Moodle's "relative to the correct position": with n items, an item placed d places from its
    correct position scores (n - 1) - d, never below 0; the mark is the total over the maximum
    n(n - 1). The right order scores 1; the reverse of 3 items scores 2/6 = 1/3.

``matching``
    The response maps each left-hand option id (an option with a ``text``) to the id of the
    option whose ``match`` the student chose. A pair is right when the chosen option's ``match``
    equals the left option's own ``match`` (so two stems sharing a match, "Jihadist group", accept
    either option). The mark is the share of left-hand options matched right; an unmatched one
    counts as wrong. Rows with an empty ``text`` are right-hand distractors only.

``numeric``
    The response is a ``NumericResponse`` (value and unit) or the text the student typed, read by
    ``parse_number`` ("1,486", "2.5 billion", "$2.5bn", "17 %", "5 100 troops"). Right when
    ``|value - numeric_answer| <= tolerance`` (absolute tolerance). The unit is optional, as it
    is shown beside the box: a unit the student gives that is not the question's unit (compared
    case- and accent-insensitively) costs ``UNIT_PENALTY`` (0.1, Moodle's default), so a right
    value in a wrong unit scores 0.9. A wrong value scores 0.

``short_answer``
    The response is the typed text. It is right (1) when, folded, it equals one accepted variant
    (an option with ``is_correct``), folded; else 0. ``fold``: Unicode NFKD, combining marks
    dropped (accents), case folded, apostrophes, dots and commas dropped ("N’Djamena" ->
    "ndjamena", "U.N." -> "un"), every other punctuation mark or symbol read as a space
    ("Burkina-Faso" -> "burkina faso"), whitespace collapsed. So "Goita", "goïta" and "GOÏTA"
    match "Goïta", and "Ndjamena" matches "N’Djamena".

Certainty-based marking (Moodle's CBM) is a separate step over the mark: ``cbm_mark(fraction,
certainty)`` with certainty 1 (unsure), 2 (mid) or 3 (quite sure), ``None`` meaning 1 as in
Moodle. A right answer scores 1, 2 or 3; a wrong one (mark 0) scores 0, -2 or -6; a partly right
answer scores its fraction of the right score (Moodle's ``question_cbm::adjust_fraction``), so CBM
marks lie in [-6, 3].
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

MIN_SCORE = Fraction(0)
MAX_SCORE = Fraction(1)
UNIT_PENALTY = Fraction(1, 10)

CBM_RIGHT = {1: Fraction(1), 2: Fraction(2), 3: Fraction(3)}
CBM_WRONG = {1: Fraction(0), 2: Fraction(-2), 3: Fraction(-6)}
CBM_DEFAULT_CERTAINTY = 1


class InvalidResponse(ValueError):
    """The response is not an answer to this question; nothing should be stored."""


@dataclass(frozen=True)
class OptionData:
    id: int
    text: str = ""
    is_correct: bool = False
    position: int = 0
    match: str = ""
    kind: str = ""


@dataclass(frozen=True)
class QuestionData:
    qtype: str
    options: tuple[OptionData, ...] = ()
    numeric_answer: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    unit: str = ""
    kind: str = ""

    def option_ids(self):
        return {option.id for option in self.options}


@dataclass(frozen=True)
class NumericResponse:
    value: Decimal
    unit: str = ""


# -- text --------------------------------------------------------------------------------------

# Apostrophes, dots and commas join what they separate ("N’Djamena", "U.N.", "1,486").
_JOINERS = frozenset("'’‘ʼ`´.,")


def fold(text):
    """Text as typed answers are compared (see the module docstring)."""
    kept = []
    for char in unicodedata.normalize("NFKD", text or ""):
        category = unicodedata.category(char)
        if category.startswith("M") or char in _JOINERS:
            continue
        kept.append(" " if category.startswith(("P", "S", "Z")) or char.isspace() else char)
    return " ".join("".join(kept).casefold().split())


def _unit_key(unit):
    """A unit as compared: accents and case folded, spaces collapsed, symbols kept ("%" stays "%")."""
    decomposed = unicodedata.normalize("NFKD", unit or "")
    plain = "".join(char for char in decomposed if not unicodedata.category(char).startswith("M"))
    return " ".join(plain.casefold().split())


_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP"}
_MULTIPLIERS = {
    "thousand": Decimal(10**3),
    "k": Decimal(10**3),
    "million": Decimal(10**6),
    "m": Decimal(10**6),
    "billion": Decimal(10**9),
    "bn": Decimal(10**9),
}
_NUMBER = re.compile(
    r"""^\s*(?P<currency>[$€£])?\s*
    (?P<number>[-+−]?(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:[.,]\d+)?)
    \s*(?P<rest>.*?)\s*$""",
    re.VERBOSE,
)


def parse_number(text):
    """A typed number with an optional unit: "1,486" -> 1486; "$2.5bn" -> 2500000000 USD; "17%" -> 17 %."""
    found = _NUMBER.match(text or "")
    if found is None:
        raise InvalidResponse("Type a number, for example 1,486 or 2.5 million.")
    number = found["number"].replace("−", "-")
    grouped = re.fullmatch(r"[-+]?\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?", number)
    number = re.sub(r"[,\u00a0\u202f ]", "", number) if grouped else number.replace(",", ".")
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise InvalidResponse("Type a number, for example 1,486 or 2.5 million.") from None
    rest = found["rest"]
    words = rest.split(maxsplit=1)
    if words and words[0].casefold() in _MULTIPLIERS:
        value *= _MULTIPLIERS[words[0].casefold()]
        rest = words[1] if len(words) > 1 else ""
    unit = _CURRENCIES.get(found["currency"] or "", "") or rest
    if found["currency"] and rest and _unit_key(rest) != _unit_key(unit):
        unit = rest
    return NumericResponse(value=value, unit=unit.strip())


# -- scoring -----------------------------------------------------------------------------------


def _chosen_ids(question, response):
    if isinstance(response, int | str) or not isinstance(response, Iterable):
        raise InvalidResponse("Choose among the question's options.")
    chosen = set(response)
    if not chosen <= question.option_ids():
        raise InvalidResponse("That option is not one of this question's options.")
    return chosen


def _score_one_choice(question, response):
    chosen = _chosen_ids(question, response)
    if len(chosen) > 1:
        raise InvalidResponse("Choose only one option.")
    right = {option.id for option in question.options if option.is_correct}
    return MAX_SCORE if chosen and chosen <= right else MIN_SCORE


def _score_multiple(question, response):
    chosen = _chosen_ids(question, response)
    right = [option for option in question.options if option.is_correct]
    wrong = [option for option in question.options if not option.is_correct]
    total = Fraction(0)
    for option in question.options:
        if option.id in chosen:
            total += Fraction(1, len(right)) if option.is_correct else -Fraction(1, len(wrong))
    return min(MAX_SCORE, max(MIN_SCORE, total))


def _score_ordering(question, response):
    if isinstance(response, str | Mapping) or not isinstance(response, Sequence):
        raise InvalidResponse("Give the items in your order.")
    order = list(response)
    if len(order) != len(question.options) or set(order) != question.option_ids():
        raise InvalidResponse("Put every item of the question in order, each once.")
    correct = [option.id for option in sorted(question.options, key=lambda option: (option.position, option.id))]
    n = len(correct)
    if n < 2:
        return MAX_SCORE
    placed = {option_id: index for index, option_id in enumerate(order)}
    earned = sum(max(0, (n - 1) - abs(index - placed[option_id])) for index, option_id in enumerate(correct))
    return Fraction(earned, n * (n - 1))


def _score_matching(question, response):
    if not isinstance(response, Mapping):
        raise InvalidResponse("Match each item to one answer.")
    by_id = {option.id: option for option in question.options}
    stems = [option for option in question.options if option.text]
    stem_ids = {option.id for option in stems}
    if not set(response) <= stem_ids:
        raise InvalidResponse("That item is not one of this question's items.")
    if not {value for value in response.values() if value is not None} <= set(by_id):
        raise InvalidResponse("That answer is not one of this question's answers.")
    if not stems:
        return MIN_SCORE
    right = sum(
        1 for stem in stems if response.get(stem.id) is not None and by_id[response[stem.id]].match == stem.match
    )
    return Fraction(right, len(stems))


def _score_numeric(question, response):
    if isinstance(response, str):
        response = parse_number(response)
    if not isinstance(response, NumericResponse):
        raise InvalidResponse("Type a number.")
    if question.numeric_answer is None:
        return MIN_SCORE
    if abs(Decimal(response.value) - Decimal(question.numeric_answer)) > Decimal(question.tolerance):
        return MIN_SCORE
    if question.unit and response.unit and _unit_key(response.unit) != _unit_key(question.unit):
        return MAX_SCORE - UNIT_PENALTY
    return MAX_SCORE


def _score_short_answer(question, response):
    if not isinstance(response, str):
        raise InvalidResponse("Type your answer.")
    return MAX_SCORE if matching_option(question, response, right_only=True) is not None else MIN_SCORE


SCORERS = {
    "single": _score_one_choice,
    "true_false": _score_one_choice,
    "statement_kind": _score_one_choice,
    "multiple": _score_multiple,
    "ordering": _score_ordering,
    "matching": _score_matching,
    "numeric": _score_numeric,
    "short_answer": _score_short_answer,
}


def score(question, response):
    """The mark of ``response`` to ``question``, a Fraction in [0, 1] (rules in the module docstring)."""
    if response is None:
        return MIN_SCORE
    try:
        scorer = SCORERS[question.qtype]
    except KeyError:
        raise ValueError(f"unknown question type {question.qtype!r}") from None
    return scorer(question, response)


def matching_option(question, text, *, right_only=False):
    """The short-answer option ``text`` folds to (an accepted variant first), or None: for its feedback."""
    folded = fold(text)
    if not folded:
        return None
    candidates = sorted(question.options, key=lambda option: not option.is_correct)
    for option in candidates:
        if right_only and not option.is_correct:
            continue
        if fold(option.text) == folded:
            return option
    return None


def right_response(question):
    """A response that scores ``MAX_SCORE``, in the shape ``score`` takes for the type."""
    qtype, options = question.qtype, question.options
    if qtype in ("single", "true_false", "statement_kind", "multiple"):
        return frozenset(option.id for option in options if option.is_correct)
    if qtype == "ordering":
        return [option.id for option in sorted(options, key=lambda option: (option.position, option.id))]
    if qtype == "matching":
        return {option.id: option.id for option in options if option.text}
    if qtype == "numeric":
        return NumericResponse(value=Decimal(question.numeric_answer), unit=question.unit)
    if qtype == "short_answer":
        return next(option.text for option in options if option.is_correct)
    raise ValueError(f"unknown question type {qtype!r}")


def cbm_mark(fraction, certainty=None):
    """Moodle's certainty-based mark for ``fraction`` (a score) given at ``certainty`` 1, 2 or 3."""
    if certainty is None:
        certainty = CBM_DEFAULT_CERTAINTY
    if certainty not in CBM_RIGHT:
        raise InvalidResponse("Certainty is 1, 2 or 3.")
    fraction = Fraction(fraction)
    if not MIN_SCORE <= fraction <= MAX_SCORE:
        raise ValueError(f"a score is between 0 and 1, not {fraction}")
    if fraction == MIN_SCORE:
        return CBM_WRONG[certainty]
    return CBM_RIGHT[certainty] * fraction
