"""Serializers of the quizzes API: the question bank, quizzes, attempts and answers.

The answer key reaches a student only as the quiz's review options allow (``AttemptQuestion.shows``):
- questions listed to anybody but an editor have no explanation, no kind tested, no feedback, no
  right flag and no option ids; their options are listed alphabetically (never in the answer's
  order), and typed-answer questions list none;
- in an attempt, options carry the attempt's own ids (``AttemptOption``), in the attempt's order
  (shuffled per attempt; ordering items never in the right order); the right answer, the score and
  the feedback of a question appear only when the review options say so.
The viewsets prefetch everything read here: serializers never query.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from briefings.models import ARTICLE_KINDS, Section
from briefings.serializers import CitationSerializer

from .assignments import status_counts
from .models import (
    CERTAINTY_CHOICES,
    AssignmentKind,
    AssignmentStatus,
    Attempt,
    CardState,
    Cohort,
    ParameterSet,
    Question,
    QuestionType,
    Quiz,
    Response,
    ReviewLog,
    StepKind,
    StudyRating,
)
from .scheduling import describe_interval

# -- the question bank ----------------------------------------------------------------------------


class EditorOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField(source="label")
    is_correct = serializers.BooleanField()
    position = serializers.IntegerField(help_text=_("Ordering questions: the item's place in the right order."))
    match = serializers.CharField(help_text=_("Matching questions: what the item is matched to."))
    kind = serializers.CharField(help_text=_("Which-kind questions: the kind this option names."))
    feedback = serializers.CharField()


class PublicQuestionSerializer(serializers.ModelSerializer):
    """A published question without its answer: what anybody may read."""

    qtype_label = serializers.CharField(source="get_qtype_display")
    topic_label = serializers.CharField(source="get_topic_display")
    sections = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    citations = CitationSerializer(many=True, help_text=_("Paragraphs of the article the question comes from."))
    options = serializers.SerializerMethodField(
        help_text=_("The choices, items or pairs' left side, in alphabetical order; none for typed answers.")
    )
    matches = serializers.SerializerMethodField(help_text=_("Matching questions: the right-hand side, alphabetically."))

    class Meta:
        model = Question
        fields = [
            "id",
            "qtype",
            "qtype_label",
            "prompt",
            "statement",
            "topic",
            "topic_label",
            "difficulty",
            "unit",
            "sections",
            "citations",
            "options",
            "matches",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_options(self, question):
        if question.qtype in (QuestionType.NUMERIC, QuestionType.SHORT_ANSWER):
            return []
        if question.qtype == QuestionType.STATEMENT_KIND:
            return [str(kind.label) for kind in ARTICLE_KINDS]
        labels = [option.label for option in question.options.all() if option.label]
        return sorted(labels, key=str.casefold)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_matches(self, question):
        if question.qtype != QuestionType.MATCHING:
            return []
        return sorted(question.matches(), key=str.casefold)


class EditorQuestionSerializer(serializers.ModelSerializer):
    """A question with its answer key, for editors."""

    qtype_label = serializers.CharField(source="get_qtype_display")
    sections = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    citations = CitationSerializer(many=True)
    options = EditorOptionSerializer(many=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "qtype",
            "qtype_label",
            "status",
            "prompt",
            "statement",
            "explanation",
            "topic",
            "kind",
            "difficulty",
            "numeric_answer",
            "tolerance",
            "unit",
            "sections",
            "citations",
            "options",
            "created_at",
            "updated_at",
        ]


# -- quizzes ----------------------------------------------------------------------------------------


def _seconds(duration):
    return int(duration.total_seconds()) if duration is not None else None


class ReviewOptionsSerializer(serializers.Serializer):
    score = serializers.BooleanField()
    answer = serializers.BooleanField(help_text=_("The right answer."))
    feedback = serializers.BooleanField(help_text=_("Feedback, the explanation and the cited paragraphs."))


class QuizReviewSerializer(serializers.Serializer):
    """What the review shows at each moment: during the attempt (immediate feedback), right after it, later
    while the quiz is open, after it closes."""

    during = ReviewOptionsSerializer()
    immediately = ReviewOptionsSerializer()
    later = ReviewOptionsSerializer()
    after_close = ReviewOptionsSerializer()


class QuizSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="quiz-detail", lookup_field="slug")
    time_limit = serializers.SerializerMethodField(help_text=_("In seconds; null for no limit."))
    grace_period = serializers.SerializerMethodField(help_text=_("In seconds; null without a grace period."))
    is_open = serializers.SerializerMethodField()
    question_count = serializers.SerializerMethodField(help_text=_("How many questions an attempt has (at most)."))
    review = serializers.SerializerMethodField(help_text=_("What the review shows at each moment."))

    class Meta:
        model = Quiz
        fields = [
            "slug",
            "api_url",
            "title",
            "description",
            "status",
            "is_open",
            "opens_at",
            "closes_at",
            "time_limit",
            "timeout_action",
            "grace_period",
            "attempts_allowed",
            "grading_method",
            "pass_mark",
            "navigation",
            "feedback_mode",
            "allow_retry",
            "shuffle_questions",
            "shuffle_options",
            "certainty_based",
            "question_count",
            "review",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_limit(self, quiz):
        return _seconds(quiz.time_limit)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_grace_period(self, quiz):
        return _seconds(quiz.grace_period)

    @extend_schema_field(serializers.BooleanField())
    def get_is_open(self, quiz):
        return quiz.is_open(self.context["now"])

    @extend_schema_field(serializers.IntegerField())
    def get_question_count(self, quiz):
        return quiz.question_count

    @extend_schema_field(QuizReviewSerializer)
    def get_review(self, quiz):
        return {
            moment: ReviewOptionsSerializer(quiz.review_shows(moment)).data
            for moment in ("during", "immediately", "later", "after_close")
        }


# -- attempts -----------------------------------------------------------------------------------------


class ShownOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text=_("This attempt's id for the option: answer with it."))
    text = serializers.CharField(source="label")


ANSWER_SCHEMA = {
    "oneOf": [
        {"type": "array", "items": {"type": "integer"}},
        {"type": "object", "additionalProperties": {"type": "integer", "nullable": True}},
        {"type": "string"},
    ]
}


@extend_schema_field(ANSWER_SCHEMA)
class AnswerField(serializers.JSONField):
    """A list of ids, an object of id -> id, or text, by the question's type."""


class AnswerSerializer(serializers.Serializer):
    """The body of ``PUT /attempts/{id}/responses/{question_id}/``."""

    answer = AnswerField(
        help_text=_(
            "Choices: the list of the chosen options' ids; ordering: every item's id, in your order; matching: "
            "an object from each item's id to the chosen answer's id (or null); numeric and short answer: the "
            "text typed (a number may carry its unit: “1,486 troops”)."
        )
    )
    certainty = serializers.ChoiceField(
        choices=CERTAINTY_CHOICES,
        required=False,
        allow_null=True,
        help_text=_("Certainty-based quizzes only: how sure you are, 1 to 3."),
    )


class FlagSerializer(serializers.Serializer):
    """The body of ``PUT /attempts/{id}/flags/{question_id}/``."""

    flagged = serializers.BooleanField(help_text=_("true to mark the question to come back to, false to unmark it."))


class ResponseSerializer(serializers.ModelSerializer):
    """The answer given, in this attempt's ids."""

    answer = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = ["answer", "certainty", "tries", "answered_at"]

    @extend_schema_field(ANSWER_SCHEMA)
    def get_answer(self, response):
        qtype = self.context["qtypes"][response.slot_id]
        if qtype == QuestionType.MATCHING:
            return {str(choice.item_id): choice.match_id for choice in response.chosen()}
        if qtype in (QuestionType.NUMERIC, QuestionType.SHORT_ANSWER):
            return response.text
        return [choice.item_id for choice in response.chosen()]


class ResultSerializer(serializers.Serializer):
    """How a question went, as far as the review options show it (absent parts are null)."""

    fraction = serializers.DecimalField(max_digits=7, decimal_places=6, allow_null=True)
    score = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    right_answer = serializers.JSONField(allow_null=True)
    feedback = serializers.ListField(child=serializers.CharField(), allow_null=True)
    explanation = serializers.CharField(allow_null=True)
    citations = CitationSerializer(many=True, allow_null=True)


def _result(slot, attempt, now, reader=None):
    result = slot.result(attempt, now, reader=reader)
    if result is None:
        return None
    right = result.right_answer
    if isinstance(right, dict) and slot.question.qtype == QuestionType.MATCHING:
        right = {str(key): value for key, value in right.items()}
    if isinstance(right, dict) and slot.question.qtype == QuestionType.NUMERIC:
        right = {key: str(value) if key != "unit" else value for key, value in right.items()}
    return {
        "fraction": result.fraction,
        "score": result.score,
        "right_answer": right,
        "feedback": result.feedback,
        "explanation": result.explanation,
        "citations": result.citations,
    }


class SlotSerializer(serializers.Serializer):
    """One question of an attempt, as the student sees it."""

    question = serializers.IntegerField(
        source="question_id", help_text=_("The question's id: answer at responses/{id}/.")
    )
    position = serializers.IntegerField()
    marks = serializers.DecimalField(max_digits=6, decimal_places=2)
    qtype = serializers.CharField(source="question.qtype")
    prompt = serializers.CharField(source="question.prompt")
    statement = serializers.CharField(source="question.statement", help_text=_("Which-kind questions: the sentence."))
    unit = serializers.CharField(source="question.unit", help_text=_("Numeric questions: the unit expected."))
    paragraph = serializers.SerializerMethodField(help_text=_("Which-kind questions: the paragraph of the sentence."))
    options = serializers.SerializerMethodField(help_text=_("Choices, or the items to order or to match."))
    matches = serializers.SerializerMethodField(help_text=_("Matching questions: the answers to match items to."))
    flagged = serializers.BooleanField()
    can_answer = serializers.SerializerMethodField()
    response = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    @extend_schema_field(CitationSerializer(allow_null=True))
    def get_paragraph(self, slot):
        if slot.question.qtype != QuestionType.STATEMENT_KIND:
            return None
        citations = list(slot.question.citations.all())
        return CitationSerializer(citations[0], context=self.context).data if citations else None

    @extend_schema_field(ShownOptionSerializer(many=True))
    def get_options(self, slot):
        return ShownOptionSerializer(slot.items(), many=True).data

    @extend_schema_field(ShownOptionSerializer(many=True))
    def get_matches(self, slot):
        return ShownOptionSerializer(slot.match_choices(), many=True).data

    @extend_schema_field(serializers.BooleanField())
    def get_can_answer(self, slot):
        return slot.can_answer(self.context["attempt"], self.context["now"])

    @extend_schema_field(ResponseSerializer(allow_null=True))
    def get_response(self, slot):
        response = slot.current_response()
        return ResponseSerializer(response, context=self.context).data if response is not None else None

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_result(self, slot):
        result = _result(slot, self.context["attempt"], self.context["now"], self.context.get("reader"))
        return ResultSerializer(result, context=self.context).data if result is not None else None


class CertaintyLevelSerializer(serializers.Serializer):
    certainty = serializers.IntegerField()
    answered = serializers.IntegerField()
    accuracy = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    well_calibrated = serializers.BooleanField(
        allow_null=True, help_text=_("Was this certainty the one that pays best at this accuracy?")
    )


class CalibrationSerializer(serializers.Serializer):
    accuracy = serializers.DecimalField(
        max_digits=5, decimal_places=4, allow_null=True, help_text=_("The mean score, certainty ignored (0 to 1).")
    )
    cbm_average = serializers.DecimalField(
        max_digits=6, decimal_places=4, allow_null=True, help_text=_("The mean certainty-based mark (−6 to 3).")
    )
    levels = CertaintyLevelSerializer(many=True)


class AttemptSerializer(serializers.ModelSerializer):
    """An attempt: its state and times; its grade once the review options show the score."""

    quiz = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    quiz_title = serializers.CharField(source="quiz.title")
    api_url = serializers.HyperlinkedIdentityField(view_name="attempt-detail")
    seconds_left = serializers.SerializerMethodField(help_text=_("Until the deadline; null without one."))
    score = serializers.SerializerMethodField()
    percent = serializers.SerializerMethodField()
    passed = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "api_url",
            "quiz",
            "quiz_title",
            "number",
            "state",
            "started_at",
            "deadline",
            "seconds_left",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
        ]

    def _shows_score(self, attempt):
        return attempt.shows_score(self.context["now"], reader=self.context.get("reader"))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_seconds_left(self, attempt):
        return attempt.seconds_left(self.context["now"]) if attempt.is_in_progress() else None

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True))
    def get_score(self, attempt):
        return serializers.DecimalField(8, 4).to_representation(attempt.score) if self._shows_score(attempt) else None

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_percent(self, attempt):
        return serializers.DecimalField(5, 2).to_representation(attempt.percent) if self._shows_score(attempt) else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_passed(self, attempt):
        return attempt.quiz.passes(attempt.percent) if self._shows_score(attempt) else None


class AttemptDetailSerializer(AttemptSerializer):
    """An attempt with its questions, the student's answers, and what the review options show."""

    can_answer = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text=_("How many questions are answered, unanswered, flagged."))
    calibration = serializers.SerializerMethodField(help_text=_("Certainty-based quizzes, once the score is shown."))
    questions = serializers.SerializerMethodField()

    class Meta(AttemptSerializer.Meta):
        fields = [*AttemptSerializer.Meta.fields, "can_answer", "summary", "calibration", "questions"]

    @extend_schema_field(serializers.BooleanField())
    def get_can_answer(self, attempt):
        return attempt.can_answer(self.context["now"])

    @extend_schema_field(
        {
            "type": "object",
            "properties": {name: {"type": "integer"} for name in ("answered", "unanswered", "flagged")},
            "required": ["answered", "unanswered", "flagged"],
        }
    )
    def get_summary(self, attempt):
        summary = attempt.summary()
        return {"answered": summary.answered, "unanswered": summary.unanswered, "flagged": summary.flagged}

    @extend_schema_field(CalibrationSerializer(allow_null=True))
    def get_calibration(self, attempt):
        if not attempt.quiz.certainty_based or not self._shows_score(attempt):
            return None
        return CalibrationSerializer(attempt.calibration()).data

    @extend_schema_field(SlotSerializer(many=True))
    def get_questions(self, attempt):
        slots = list(attempt.slots.all())
        context = {
            **self.context,
            "attempt": attempt,
            "qtypes": {slot.pk: slot.question.qtype for slot in slots},
        }
        return SlotSerializer(slots, many=True, context=context).data


class AttemptErrorSerializer(serializers.Serializer):
    """Why the quiz's rules refused the request; nothing was changed."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text=_("What refused it, for programs: “attempt_in_progress”, “time_is_up”…"))
    attempt = serializers.IntegerField(
        required=False, help_text=_("The attempt concerned, such as the one in progress to continue.")
    )


# -- study ------------------------------------------------------------------------------------------------
#
# A study card never carries its answer key: no right flag, no numeric answer, no explanation and no
# cited paragraph until the answer is checked (``StudyCheckResultSerializer``). Its options carry the
# card's own numbers (1, 2, ...), in the order seeded by its review.


class StudyOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text=_("The option's number on this card: answer with it."))
    label = serializers.CharField()


class RatingPreviewSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=StudyRating.choices)
    label = serializers.CharField(help_text=_("Again, Hard, Good or Easy."))
    due = serializers.DateTimeField(help_text=_("When the card comes back if you give this rating now."))
    interval = serializers.CharField(help_text=_("The same, as a button shows it: “10 min”, “3 d”."))


def rating_previews(previews, now):
    """The four rating buttons from ``actions.preview_ratings``' {rating: due}: rating, label, due, interval."""
    return [
        {
            "rating": rating,
            "label": str(StudyRating(rating).label),
            "due": due,
            "interval": describe_interval(due - now),
        }
        for rating, due in sorted(previews.items())
    ]


class StudyCardSerializer(serializers.Serializer):
    """A card as it is shown before its answer: a ``StudyCard``, with ``previews`` (the four ratings'
    ``rating_previews``) in the context. The pages and the API show these same fields."""

    question = serializers.IntegerField(source="question.pk", help_text=_("The question's id: check and rate it."))
    version = serializers.IntegerField(help_text=_("The card's version: send it back with the check and the rating."))
    qtype = serializers.ChoiceField(source="question.qtype", choices=QuestionType.choices)
    prompt = serializers.CharField(source="question.prompt")
    statement = serializers.CharField(source="question.statement", help_text=_("Which-kind questions: the sentence."))
    unit = serializers.CharField(source="question.unit", help_text=_("Numeric questions: the unit expected."))
    is_new = serializers.BooleanField(source="state.is_new", help_text=_("Never studied before."))
    options = StudyOptionSerializer(source="items", many=True, help_text=_("Choices, or the items to order or match."))
    matches = StudyOptionSerializer(
        source="match_choices", many=True, help_text=_("Matching questions: the answers to match items to.")
    )
    ratings = serializers.SerializerMethodField(help_text=_("Again, Hard, Good and Easy: what each would give now."))

    @extend_schema_field(RatingPreviewSerializer(many=True))
    def get_ratings(self, card):
        return RatingPreviewSerializer(self.context["previews"], many=True).data


class StudyCountsSerializer(serializers.Serializer):
    new = serializers.IntegerField(help_text=_("New cards left today."))
    learning = serializers.IntegerField(help_text=_("Cards in (re)learning due now."))
    review = serializers.IntegerField(help_text=_("Reviews left today."))
    done_today = serializers.IntegerField(help_text=_("Ratings given this study day."))


class StudyNextSerializer(serializers.Serializer):
    """``GET /api/v1/study/next/``: where the student stands in the deck, and the card to study next."""

    deck = serializers.CharField(help_text=_("The deck, as named in the request: “all”, “section:<slug>”…"))
    card = serializers.SerializerMethodField(help_text=_("The next card, without its answer; null when none is due."))
    counts = StudyCountsSerializer()
    next_due = serializers.DateTimeField(
        allow_null=True, help_text=_("With nothing left today: when the deck's next card comes due.")
    )
    limit_reached = serializers.BooleanField(help_text=_("Nothing shown because a daily limit is reached."))

    @extend_schema_field(StudyCardSerializer(allow_null=True))
    def get_card(self, queue):
        card = queue["card"]
        return StudyCardSerializer(card, context=self.context).data if card is not None else None


class StudyCheckSerializer(serializers.Serializer):
    """The body of ``POST /api/v1/study/check/``."""

    question = serializers.IntegerField(help_text=_("The card's question id, as ``next`` gave it."))
    version = serializers.IntegerField(min_value=0, help_text=_("The card's version, as ``next`` gave it."))
    answer = AnswerField(
        help_text=_(
            "In the card's own numbers: choices, the list of the chosen options; ordering, every item in your "
            "order; matching, an object from each item to the chosen answer (or null); numeric and short "
            "answer, the text typed."
        )
    )


class StudyCheckResultSerializer(serializers.Serializer):
    """An answer checked: how it went, the right answer in the card's numbers, and what to read."""

    fraction = serializers.DecimalField(max_digits=7, decimal_places=6, help_text=_("The share right, 0 to 1."))
    outcome = serializers.ChoiceField(choices=["right", "partly", "wrong"])
    right_answer = serializers.JSONField(help_text=_("The same shape as the answer (numeric: value, tolerance, unit)."))
    feedback = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()
    citations = CitationSerializer(many=True, help_text=_("The paragraphs of the article the card tests."))
    suggested_rating = serializers.ChoiceField(
        choices=StudyRating.choices, help_text=_("The rating to pre-select: Again when wrong, Hard when partly right.")
    )


def study_check_result(card, check):
    """``StudyCheckResultSerializer``'s fields of an answer checked (``StudyCard.check``)."""
    right = check.right
    if isinstance(right, dict) and card.question.qtype == QuestionType.MATCHING:
        right = {str(key): value for key, value in right.items()}
    if isinstance(right, dict) and card.question.qtype == QuestionType.NUMERIC:
        right = {key: str(value) if key != "unit" else value for key, value in right.items()}
    return {
        "fraction": Decimal(check.fraction.numerator) / Decimal(check.fraction.denominator),
        "outcome": check.outcome,
        "right_answer": right,
        "feedback": check.feedback,
        "explanation": card.question.explanation,
        "citations": card.citations(),
        "suggested_rating": int(check.suggested_rating()),
    }


class StudyRatingSerializer(serializers.Serializer):
    """The body of ``POST /api/v1/study/reviews/``."""

    question = serializers.IntegerField(help_text=_("The card's question id."))
    version = serializers.IntegerField(min_value=0, help_text=_("The card's version when it was shown."))
    rating = serializers.ChoiceField(choices=StudyRating.choices, help_text=_("1 Again, 2 Hard, 3 Good, 4 Easy."))
    request_key = serializers.CharField(
        max_length=64,
        help_text=_("Any text unique to this rating (a UUID): sent again, the rating is recorded once."),
    )
    duration_ms = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=24 * 60 * 60 * 1000,
        help_text=_("How long the card took, in milliseconds."),
    )


class CardSnapshotSerializer(serializers.Serializer):
    """A card's scheduling fields at one moment (py-fsrs's card, and the counts Anki keeps)."""

    state = serializers.ChoiceField(choices=CardState.choices)
    step = serializers.IntegerField(allow_null=True, help_text=_("The (re)learning step; null in review."))
    stability = serializers.FloatField(allow_null=True, help_text=_("In days."))
    difficulty = serializers.FloatField(allow_null=True, help_text=_("1 (easy) to 10 (hard)."))
    due = serializers.DateTimeField()
    last_review = serializers.DateTimeField(allow_null=True)
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    suspended = serializers.BooleanField()
    is_leech = serializers.BooleanField()


class ReviewStateSerializer(CardSnapshotSerializer):
    """One of your cards as it stands now."""

    question = serializers.IntegerField(source="question_id")
    version = serializers.IntegerField(help_text=_("Goes up with every change: send it with the next rating."))


class ReviewLogSerializer(serializers.ModelSerializer):
    """One rating: when, how, and the card before and after it."""

    question = serializers.IntegerField(source="question_id")
    before = CardSnapshotSerializer()
    after = CardSnapshotSerializer()

    class Meta:
        model = ReviewLog
        fields = [
            "id",
            "question",
            "rating",
            "reviewed_at",
            "duration_ms",
            "parameters_version",
            "request_key",
            "before",
            "after",
        ]


class RatedCardSerializer(serializers.Serializer):
    """A rating recorded (``actions.RatedCard``)."""

    review = ReviewLogSerializer(source="log")
    state = ReviewStateSerializer()


class UndoneSerializer(serializers.Serializer):
    state = ReviewStateSerializer(help_text=_("The card rated last, exactly as it was before that rating."))


class StudySettingsSerializer(serializers.Serializer):
    """Your study settings. ``PUT`` takes them all and checks them as the settings page does
    (``StudySettingsForm``): the errors are keyed by field, with the page's messages."""

    desired_retention = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        help_text=_("The share of cards you want to still remember when due: 0.70-0.97."),
    )
    new_cards_per_day = serializers.IntegerField(min_value=0, max_value=9999)
    max_reviews_per_day = serializers.IntegerField(min_value=0, max_value=9999)
    learning_steps = serializers.ListField(
        child=serializers.IntegerField(min_value=1), help_text=_("In minutes, such as [1, 10].")
    )
    relearning_steps = serializers.ListField(
        child=serializers.IntegerField(min_value=1), help_text=_("In minutes, such as [10].")
    )
    time_zone = serializers.CharField(help_text=_("An IANA time zone, such as “Africa/Bamako”."))
    day_starts_at = serializers.IntegerField(min_value=0, max_value=23, help_text=_("The hour a study day begins."))
    spread_due_dates = serializers.BooleanField(help_text=_("Spread due dates so that no day piles up."))


def study_settings_data(study_settings):
    """``StudySettingsSerializer``'s fields of a student's settings (steps prefetched)."""
    return {
        "desired_retention": study_settings.desired_retention,
        "new_cards_per_day": study_settings.new_cards_per_day,
        "max_reviews_per_day": study_settings.max_reviews_per_day,
        "learning_steps": list(study_settings.step_minutes(StepKind.LEARNING)),
        "relearning_steps": list(study_settings.step_minutes(StepKind.RELEARNING)),
        "time_zone": study_settings.time_zone,
        "day_starts_at": study_settings.day_starts_at,
        "spread_due_dates": study_settings.spread_due_dates,
    }


class ParameterSetSerializer(serializers.ModelSerializer):
    """FSRS's parameters fitted to your reviews, and how well the defaults and the fit predict them."""

    parameters = serializers.ListField(child=serializers.FloatField(), help_text=_("w0 to w20."))

    class Meta:
        model = ParameterSet
        fields = [
            "version",
            "fitted_at",
            "reviews",
            "log_loss",
            "rmse",
            "default_log_loss",
            "default_rmse",
            "in_use",
            "parameters",
        ]


class StudyErrorSerializer(serializers.Serializer):
    """Why a study request was refused; nothing was changed."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text=_("What refused it, for programs: “stale_rating”, “nothing_to_undo”…"))


# -- study statistics ---------------------------------------------------------------------------------


class DueDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    due = serializers.IntegerField(help_text=_("Cards falling due that study day (today: the overdue ones too)."))


class ReviewDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    reviews = serializers.IntegerField()


class RetentionSerializer(serializers.Serializer):
    passed = serializers.IntegerField(help_text=_("Reviews rated Hard, Good or Easy."))
    total = serializers.IntegerField(help_text=_("Reviews of cards in review (seen before)."))
    rate = serializers.FloatField(allow_null=True, help_text=_("passed / total; null without reviews."))


class RetentionPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text=_("The period's first study day (a day, a Monday, a month's first)."))
    young = RetentionSerializer(help_text=_("Cards whose interval was under 21 days."))
    mature = RetentionSerializer(help_text=_("Cards whose interval was 21 days or more."))
    all = RetentionSerializer()


class RetentionTableSerializer(serializers.Serializer):
    by_day = RetentionPeriodSerializer(many=True, source="retention_by_day")
    by_week = RetentionPeriodSerializer(many=True, source="retention_by_week")
    by_month = RetentionPeriodSerializer(many=True, source="retention_by_month")


class KnowledgePointSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    knowledge = serializers.FloatField()


class HistogramBinSerializer(serializers.Serializer):
    label = serializers.CharField()
    cards = serializers.IntegerField()


class MasteryRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField(help_text=_("Its page on the site (empty for a topic)."))
    studied = serializers.IntegerField()
    total = serializers.IntegerField()
    retrievability = serializers.FloatField(allow_null=True, help_text=_("The mean over its studied cards."))


class MasterySerializer(serializers.Serializer):
    sections = MasteryRowSerializer(many=True)
    topics = MasteryRowSerializer(many=True)
    leaders = MasteryRowSerializer(many=True)
    countries = MasteryRowSerializer(many=True)


class DistributionsSerializer(serializers.Serializer):
    retrievability = HistogramBinSerializer(many=True)
    stability = HistogramBinSerializer(many=True)
    difficulty = HistogramBinSerializer(many=True)


class StudyStatsSerializer(serializers.Serializer):
    """A ``quizzes.stats.StudyStats``: what the stats page shows, as numbers."""

    today = serializers.DateField(help_text=_("The current study day."))
    desired_retention = serializers.FloatField()
    studied = serializers.IntegerField(help_text=_("Cards with at least one review."))
    knowledge = serializers.FloatField(help_text=_("The sum of the studied cards' retrievability now."))
    overdue = serializers.IntegerField()
    reviews_last_year = serializers.IntegerField()
    days_studied_last_year = serializers.IntegerField()
    forecast = serializers.SerializerMethodField()
    reviews_per_day = serializers.SerializerMethodField()
    retention = serializers.SerializerMethodField()
    knowledge_trend = serializers.SerializerMethodField()
    distributions = serializers.SerializerMethodField()
    mastery = MasterySerializer()

    @extend_schema_field(DueDaySerializer(many=True))
    def get_forecast(self, stats):
        return DueDaySerializer([{"day": day, "due": due} for day, due in stats.forecast], many=True).data

    @extend_schema_field(ReviewDaySerializer(many=True))
    def get_reviews_per_day(self, stats):
        rows = [{"day": day, "reviews": count} for day, count in sorted(stats.reviews_per_day.items())]
        return ReviewDaySerializer(rows, many=True).data

    @extend_schema_field(RetentionTableSerializer)
    def get_retention(self, stats):
        return RetentionTableSerializer(stats).data

    @extend_schema_field(KnowledgePointSerializer(many=True))
    def get_knowledge_trend(self, stats):
        rows = [{"at": moment, "knowledge": value} for moment, value in stats.knowledge_trend]
        return KnowledgePointSerializer(rows, many=True).data

    @extend_schema_field(DistributionsSerializer)
    def get_distributions(self, stats):
        def bins(histogram):
            return [{"label": label, "cards": cards} for label, cards in histogram]

        return DistributionsSerializer(
            {
                "retrievability": bins(stats.retrievability_histogram),
                "stability": bins(stats.stability_histogram),
                "difficulty": bins(stats.difficulty_histogram),
            }
        ).data


# -- classes ----------------------------------------------------------------------------------------------


class CohortTrainerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="trainer.pk")
    username = serializers.CharField(source="trainer.username")
    name = serializers.CharField(source="trainer.get_full_name")
    is_owner = serializers.BooleanField()


class CohortSerializer(serializers.ModelSerializer):
    """A class as its trainers see it. Writable: name, description, term, joining_open."""

    student_count = serializers.IntegerField(read_only=True)
    trainers = CohortTrainerSerializer(source="trainer_links", many=True, read_only=True)
    join_path = serializers.CharField(read_only=True, help_text=_("The join link's path, to send to students."))

    class Meta:
        model = Cohort
        fields = [
            "id",
            "name",
            "description",
            "term",
            "join_code",
            "join_path",
            "joining_open",
            "student_count",
            "trainers",
            "created_at",
        ]
        read_only_fields = ["join_code", "created_at"]


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="student.pk")
    username = serializers.CharField(source="student.username")
    name = serializers.CharField(source="student.get_full_name")
    joined_at = serializers.DateTimeField()


class StudentNamesSerializer(serializers.Serializer):
    names = serializers.ListField(
        child=serializers.CharField(max_length=150),
        allow_empty=False,
        max_length=200,
        help_text=_("One name per new student (at most 200)."),
    )


class IssuedPasswordSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="student.pk")
    username = serializers.CharField(source="student.username")
    name = serializers.CharField(source="student.first_name")
    password = serializers.CharField(help_text=_("The one-time password: shown in this answer only."))


class JoinSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=20, help_text=_("The class's code; case, spaces and hyphens do not matter.")
    )


class JoinedCohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    term = serializers.CharField()


class CohortErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


# -- item analysis ---------------------------------------------------------------------------------------


class AnalysedOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="option.pk")
    label = serializers.CharField(source="option.label")
    is_correct = serializers.BooleanField()
    picked = serializers.IntegerField(help_text=_("How many of the analysed attempts picked this option."))
    share = serializers.FloatField(allow_null=True, help_text=_("picked / n, from 0 to 1."))


class AnalysedQuestionSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    prompt = serializers.CharField(source="question.prompt")
    qtype = serializers.CharField(source="question.qtype")
    position = serializers.IntegerField(help_text=_("Its first place in the quiz."))
    n = serializers.IntegerField(help_text=_("The analysed attempts that had this question."))
    max_mark = serializers.FloatField()
    facility = serializers.FloatField(allow_null=True, help_text=_("mean(x) / max(x), 0 to 1."))
    sd = serializers.FloatField(allow_null=True, help_text=_("SD of x / max(x)."))
    random_guess_score = serializers.FloatField(allow_null=True)
    discrimination_index = serializers.FloatField(allow_null=True, help_text=_("In percent, -100 to 100."))
    discriminative_efficiency = serializers.FloatField(allow_null=True, help_text=_("In percent."))
    flags = serializers.ListField(child=serializers.CharField())
    options = AnalysedOptionSerializer(many=True, help_text=_("Choice questions: each option and how often picked."))


class AnalysisSummarySerializer(serializers.Serializer):
    n = serializers.IntegerField()
    max_score = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    skewness = serializers.FloatField(allow_null=True)
    kurtosis = serializers.FloatField(allow_null=True)
    cic = serializers.FloatField(allow_null=True, help_text=_("Cronbach's alpha, in percent."))
    error_ratio = serializers.FloatField(allow_null=True)
    standard_error = serializers.FloatField(allow_null=True)
    seconds_per_question = serializers.FloatField(allow_null=True)
    same_questions = serializers.BooleanField()


class ItemAnalysisSerializer(serializers.Serializer):
    quiz = serializers.SlugField(source="quiz.slug")
    attempts = serializers.SerializerMethodField()
    summary = AnalysisSummarySerializer()
    questions = AnalysedQuestionSerializer(many=True)

    @extend_schema_field({"type": "string", "enum": ["first", "all"]})
    def get_attempts(self, analysis):
        return "all" if analysis.all_attempts else "first"


class ItemAnalysisQuerySerializer(serializers.Serializer):
    attempts = serializers.ChoiceField(
        choices=[("first", _("Each student's first attempt")), ("all", _("Every attempt"))],
        default="first",
        required=False,
    )


# -- class forecast (issue 10) ----------------------------------------------------------------------------


class GroupForecastSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField(help_text=_("Its page on the site (empty for a topic)."))
    cards = serializers.IntegerField()
    studied_share = serializers.FloatField(allow_null=True, help_text=_("The share of (student, card) pairs studied."))
    recall_if_stopped = serializers.FloatField(
        allow_null=True, help_text=_("Mean predicted recall at the exam with no more study; unstudied cards 0.")
    )
    recall_if_kept_up = serializers.FloatField(
        allow_null=True,
        help_text=_("The same if every card due before the exam is reviewed on its due date and rated Good."),
    )


class StudentForecastSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="student.pk")
    username = serializers.CharField(source="student.username")
    name = serializers.CharField()
    studied = serializers.IntegerField(help_text=_("Cards the student has studied."))
    cards = serializers.IntegerField(help_text=_("Cards there are to study."))
    recall_if_stopped = serializers.FloatField(allow_null=True)
    recall_if_kept_up = serializers.FloatField(allow_null=True)


class ClassLeechSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    prompt = serializers.CharField(source="question.prompt")
    students = serializers.IntegerField(help_text=_("Students of the class who keep failing it."))
    reviews = serializers.IntegerField()
    again_share = serializers.FloatField(allow_null=True, help_text=_("The share of Again among their reviews."))


class ClassForecastSerializer(serializers.Serializer):
    exam_date = serializers.DateField()
    exam_at = serializers.DateTimeField(help_text=_("The moment recall is predicted for: 09:00 on the exam date."))
    students = serializers.IntegerField(source="student_count")
    cards = serializers.IntegerField()
    sections = GroupForecastSerializer(many=True)
    topics = GroupForecastSerializer(many=True)
    at_risk = StudentForecastSerializer(many=True, help_text=_("The students most at risk, lowest recall first."))
    leeches = ClassLeechSerializer(many=True, help_text=_("Cards at least two students of the class keep failing."))


# -- the study API's two hot answers, built as plain data ------------------------------------------
# ``GET /api/v1/study/next/`` and ``POST /api/v1/study/reviews/`` are asked once per card studied; DRF
# serializers cost more there than the engine (copying every declared field for each serializer made).
# These build the same data as ``StudyNextSerializer`` and ``RatedCardSerializer``, which stay the
# contract (the OpenAPI schema is made from them); tests/quizzes/test_study_api.py checks that both
# answer the same for every question type, a new card, a replay and no card.

_datetime = serializers.DateTimeField().to_representation


def _when(value):
    return None if value is None else _datetime(value)


def _text(value):
    return None if value is None else str(value)


def _option_rows(rows):
    return [{"id": int(row.pk), "label": _text(row.label)} for row in rows]


def study_card_data(card, previews):
    """``StudyCardSerializer(card, context={"previews": previews}).data``, as plain data."""
    question = card.question
    return {
        "question": int(question.pk),
        "version": int(card.version),
        "qtype": _text(question.qtype),
        "prompt": _text(question.prompt),
        "statement": _text(question.statement),
        "unit": _text(question.unit),
        "is_new": bool(card.state.is_new()),
        "options": _option_rows(card.items()),
        "matches": _option_rows(card.match_choices()),
        "ratings": [
            {
                "rating": int(preview["rating"]),
                "label": _text(preview["label"]),
                "due": _when(preview["due"]),
                "interval": _text(preview["interval"]),
            }
            for preview in previews
        ],
    }


def study_next_data(body, previews=None):
    """``StudyNextSerializer(body, context={"previews": previews}).data``, as plain data."""
    card = body["card"]
    return {
        "deck": _text(body["deck"]),
        "card": None if card is None else study_card_data(card, previews),
        "counts": {name: int(body["counts"][name]) for name in ("new", "learning", "review", "done_today")},
        "next_due": _when(body["next_due"]),
        "limit_reached": bool(body["limit_reached"]),
    }


def _snapshot_data(snapshot):
    """``CardSnapshotSerializer(...).data`` of a snapshot dict (``ReviewState.snapshot``, ``ReviewLog.before``)."""
    return {
        "state": int(snapshot["state"]),
        "step": None if snapshot["step"] is None else int(snapshot["step"]),
        "stability": None if snapshot["stability"] is None else float(snapshot["stability"]),
        "difficulty": None if snapshot["difficulty"] is None else float(snapshot["difficulty"]),
        "due": _when(snapshot["due"]),
        "last_review": _when(snapshot["last_review"]),
        "reps": int(snapshot["reps"]),
        "lapses": int(snapshot["lapses"]),
        "suspended": bool(snapshot["suspended"]),
        "is_leech": bool(snapshot["is_leech"]),
    }


def rated_card_data(rated):
    """``RatedCardSerializer(rated).data``, as plain data."""
    log, state = rated.log, rated.state
    return {
        "review": {
            "id": int(log.pk),
            "question": int(log.question_id),
            "rating": int(log.rating),
            "reviewed_at": _when(log.reviewed_at),
            "duration_ms": None if log.duration_ms is None else int(log.duration_ms),
            "parameters_version": int(log.parameters_version),
            "request_key": _text(log.request_key),
            "before": _snapshot_data(log.before()),
            "after": _snapshot_data(log.after()),
        },
        "state": {
            **_snapshot_data(state.snapshot()),
            "question": int(state.question_id),
            "version": int(state.version),
        },
    }


# -- assignments -----------------------------------------------------------------------------------------


class AssignmentSerializer(serializers.Serializer):
    """An assignment as its class's trainers see and write it (the checks are ``actions.assign``'s)."""

    id = serializers.IntegerField(read_only=True)
    cohort = serializers.PrimaryKeyRelatedField(
        queryset=Cohort.objects.none(), help_text=_("One of your classes; it cannot be changed afterwards.")
    )
    kind = serializers.ChoiceField(choices=AssignmentKind.choices, help_text=_("It cannot be changed afterwards."))
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField(required=False, allow_blank=True, default="")
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    due_at = serializers.DateTimeField()
    quiz = serializers.SlugRelatedField(
        slug_field="slug", queryset=Quiz.objects.all(), required=False, allow_null=True, default=None
    )
    attempts_allowed = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A quiz: null for the quiz's own; 0 for unlimited."),
    )
    time_limit = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A quiz, in seconds: null for the quiz's own."),
    )
    sections = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=Section.objects.all(),
        required=False,
        default=list,
        help_text=_("A reading: the slugs of the current briefing's sections."),
    )
    deck = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A study goal: all, topic:<topic>, section:<slug>, country:<slug>."),
    )
    target_recall = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A study goal: the mean predicted recall at the due date, 0 to 1."),
    )
    students = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=get_user_model().objects.all(),
        required=False,
        default=list,
        help_text=_("The students it is set to (ids); empty: the whole class."),
    )
    status_counts = serializers.SerializerMethodField(help_text=_("How many students are at each status."))
    created_at = serializers.DateTimeField(read_only=True)

    def __init__(self, *args, cohorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cohorts is not None:
            self.fields["cohort"].queryset = cohorts
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            self.fields["cohort"].read_only = True
            self.fields["kind"].read_only = True

    def to_representation(self, assignment):
        data = super().to_representation(assignment)
        data["time_limit"] = _seconds(assignment.time_limit)
        data["students"] = [target.student_id for target in assignment.targets.all()]
        return data

    @extend_schema_field(
        {"type": "object", "properties": {value: {"type": "integer"} for value in AssignmentStatus.values}}
    )
    def get_status_counts(self, assignment):
        return status_counts(assignment.statuses(self.context["now"]))

    def action_values(self):
        data = dict(self.validated_data)
        if data.get("time_limit") is not None:
            data["time_limit"] = datetime.timedelta(seconds=data["time_limit"])
        return data


class StudentAssignmentSerializer(serializers.Serializer):
    """An assignment as its student sees it: their own due date and status."""

    id = serializers.IntegerField()
    cohort = serializers.CharField(source="cohort.name")
    kind = serializers.ChoiceField(choices=AssignmentKind.choices)
    title = serializers.CharField()
    instructions = serializers.CharField()
    opens_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(source="student_due", help_text=_("Yours, with any extension."))
    quiz = serializers.CharField(source="quiz.slug", allow_null=True, help_text=_("A quiz: its slug."))
    sections = serializers.SerializerMethodField(help_text=_("A reading: the sections' slugs."))
    deck = serializers.CharField()
    target_recall = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    status = serializers.SerializerMethodField()
    recall = serializers.SerializerMethodField(
        help_text=_("A study goal: your mean predicted recall of the deck at the due date.")
    )

    def _status(self, assignment):
        if not hasattr(assignment, "_student_status"):
            assignment._student_status = assignment.status_of(self.context["request"].user, self.context["now"])
        return assignment._student_status

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_sections(self, assignment):
        return [section.slug for section in assignment.sections.all()]

    @extend_schema_field(serializers.ChoiceField(choices=AssignmentStatus.choices))
    def get_status(self, assignment):
        return self._status(assignment).status

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_recall(self, assignment):
        return self._status(assignment).recall


class OverrideSerializer(serializers.Serializer):
    """One student's extension (``actions.grant_override`` checks it)."""

    student = serializers.IntegerField(help_text=_("The student's id."))
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    extra_attempts = serializers.IntegerField(min_value=0, max_value=20, required=False, default=0)
    time_limit = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text=_("In seconds.")
    )

    def to_representation(self, override):
        return {
            "student": override.student_id,
            "due_at": serializers.DateTimeField().to_representation(override.due_at) if override.due_at else None,
            "closes_at": serializers.DateTimeField().to_representation(override.closes_at)
            if override.closes_at
            else None,
            "extra_attempts": override.extra_attempts,
            "time_limit": _seconds(override.time_limit),
        }


class AssignmentErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(allow_null=True)


# -- the class gradebook (issue 10) ---------------------------------------------------------------------


class GradebookAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=AssignmentKind.choices)
    due_at = serializers.DateTimeField(help_text=_("The class's due date (a student's extension may be later)."))
    quiz = serializers.SerializerMethodField(help_text=_("A quiz: its slug."))
    sections = serializers.SerializerMethodField(
        help_text=_("A reading: how many sections it has (from the context's section_totals).")
    )

    @extend_schema_field({"type": "string", "nullable": True})
    def get_quiz(self, assignment):
        return assignment.quiz.slug if assignment.kind == AssignmentKind.QUIZ else None

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_sections(self, assignment):
        if assignment.kind != AssignmentKind.READING:
            return None
        return self.context.get("section_totals", {}).get(assignment.pk, 0)


class GradebookCellSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    assigned = serializers.BooleanField(help_text=_("False: the assignment is set to other students only."))
    status = serializers.ChoiceField(choices=AssignmentStatus.choices, allow_null=True)
    late = serializers.BooleanField()
    due_at = serializers.DateTimeField(allow_null=True, help_text=_("The student's due date, with their extension."))
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text=_("A quiz: the grade in percent, by the quiz's grading method over the submitted attempts."),
    )
    attempts = serializers.IntegerField(help_text=_("A quiz: the attempts started."))
    attempt = serializers.IntegerField(
        source="attempt_id",
        allow_null=True,
        help_text=_("A quiz: the attempt the grade comes from, or the latest submitted."),
    )
    sections_opened = serializers.IntegerField(allow_null=True, help_text=_("A reading: the sections opened."))
    recall = serializers.FloatField(
        allow_null=True, help_text=_("A study goal: the mean predicted recall at the due date, 0 to 1.")
    )


class GradebookStudentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, student) -> str:
        return student.get_full_name() or student.get_username()


class GradebookRowSerializer(serializers.Serializer):
    student = GradebookStudentSerializer()
    cells = GradebookCellSerializer(many=True, help_text=_("One per assignment, in the assignments' order."))
    overall = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text=_("The mean of the student's quiz grades.")
    )
    missing = serializers.IntegerField()
    late = serializers.IntegerField()


class GradebookSerializer(serializers.Serializer):
    assignments = GradebookAssignmentSerializer(many=True, help_text=_("The columns, in due order."))
    rows = GradebookRowSerializer(many=True)


class GradebookQuerySerializer(serializers.Serializer):
    """The gradebook's query parameters, for the schema (``GradebookForm`` reads them)."""

    sort = serializers.CharField(
        required=False, help_text=_("name (default), username, overall, or a<assignment id> for its score.")
    )
    direction = serializers.ChoiceField(choices=["asc", "desc"], required=False)
    status = serializers.ChoiceField(
        choices=["missing", "late"], required=False, help_text=_("Only students missing, or late with, something.")
    )
    q = serializers.CharField(required=False, help_text=_("A part of the student's name or username."))
