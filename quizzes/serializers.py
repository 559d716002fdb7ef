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

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from briefings.models import ARTICLE_KINDS
from briefings.serializers import CitationSerializer

from .models import (
    CERTAINTY_CHOICES,
    Attempt,
    Question,
    QuestionType,
    Quiz,
    Response,
)

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


def _result(slot, attempt, now):
    result = slot.result(attempt, now)
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
        result = _result(slot, self.context["attempt"], self.context["now"])
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
        return attempt.shows_score(self.context["now"])

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
