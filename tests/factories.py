"""One factory per model, with no surprising behaviour: published, cited once, plain values."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from briefings import models
from sahel_learn.accounts.roles import EDITORS, STUDENTS, TRAINERS

# Every factory user's password.
PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(Group.objects.get(name=extracted))
            if extracted == EDITORS:
                obj.is_staff = True
        if create:
            obj.save()


def student(**kwargs):
    return UserFactory(role=STUDENTS, **kwargs)


def trainer(**kwargs):
    return UserFactory(role=TRAINERS, **kwargs)


def editor(**kwargs):
    return UserFactory(role=EDITORS, **kwargs)


class BriefingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Briefing
        django_get_or_create = ("slug",)

    title = "The Sahel's Sovereignty Mirage"
    slug = "the-sahels-sovereignty-mirage"
    standfirst = "Three juntas, one alliance."
    full_text = "The Sahel's Sovereignty Mirage\n"
    checksum = "0" * 64
    imported_at = factory.LazyFunction(timezone.now)
    status = models.Status.PUBLISHED


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Section

    briefing = factory.SubFactory(BriefingFactory)
    # Far from the small numbers tests give their own sections, which share the one briefing.
    number = factory.Sequence(lambda n: n + 101)
    title = factory.Sequence(lambda n: f"Section {n + 101}")
    slug = factory.Sequence(lambda n: f"section-{n + 101}")
    kind = models.SectionKind.BODY


class ParagraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Paragraph

    section = factory.SubFactory(SectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    anchor = factory.LazyAttribute(lambda o: f"{o.section.slug}-p{o.number}")
    text = factory.Sequence(lambda n: f"Paragraph {n + 1} of the article.")
    imported_text = factory.LazyAttribute(lambda o: o.text)


class DerivedFactory(factory.django.DjangoModelFactory):
    """Published, a reported fact, citing one new paragraph."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    status = models.Status.PUBLISHED
    kind = models.StatementKind.FACT
    origin = models.Origin.EDITOR

    @factory.post_generation
    def citations(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.citations.set(extracted if extracted is not None else [ParagraphFactory()])


class CountryFactory(DerivedFactory):
    class Meta:
        model = models.Country

    name = factory.Sequence(lambda n: f"Country {n}")
    slug = factory.Sequence(lambda n: f"country-{n}")
    summary = "A member of the Alliance of Sahel States."


class ActorFactory(DerivedFactory):
    class Meta:
        model = models.Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    actor_type = models.ActorType.ALLIANCE
    summary = "An organisation the article names."


class LeaderFactory(DerivedFactory):
    class Meta:
        model = models.Leader

    name = factory.Sequence(lambda n: f"Leader {n}")
    slug = factory.Sequence(lambda n: f"leader-{n}")
    rank = "Colonel"
    role = models.LeaderRole.HEAD_OF_STATE
    country = factory.SubFactory(CountryFactory)
    office = "President of the transition"
    path_to_power = "Seized power in a coup."
    power_year = 2021
    background = "A career officer."
    outlook = "Pragmatic toward Russia."
    summary = "A head of state in the alliance."


class TimelineEventFactory(DerivedFactory):
    class Meta:
        model = models.TimelineEvent

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    date = datetime.date(2023, 9, 16)
    precision = models.DatePrecision.DAY
    summary = "Something happened."


class KeyFigureFactory(DerivedFactory):
    class Meta:
        model = models.KeyFigure

    label = factory.Sequence(lambda n: f"Figure {n}")
    slug = factory.Sequence(lambda n: f"figure-{n}")
    value = Decimal("5100")
    unit = "troops"
    context = "Deployed across five countries."


class ConceptFactory(DerivedFactory):
    class Meta:
        model = models.Concept

    term = factory.Sequence(lambda n: f"Concept {n}")
    slug = factory.Sequence(lambda n: f"concept-{n}")
    definition = "A way of reading the situation."
    kind = models.StatementKind.ANALYSIS


class TakeawayFactory(DerivedFactory):
    class Meta:
        model = models.Takeaway

    section = factory.SubFactory(SectionFactory)
    slug = factory.Sequence(lambda n: f"takeaway-{n}")
    text = "The alliance outsourced enforcement."


class FaqEntryFactory(DerivedFactory):
    class Meta:
        model = models.FaqEntry

    question = factory.Sequence(lambda n: f"Question {n}?")
    slug = factory.Sequence(lambda n: f"faq-{n}")
    answer = "An answer."


class SourceReferenceFactory(DerivedFactory):
    class Meta:
        model = models.SourceReference

    title = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    description = "Background reading."


# -- quizzes: the question bank --------------------------------------------------------------------

from quizzes import models as quiz_models  # noqa: E402


class QuestionFactory(factory.django.DjangoModelFactory):
    """A published single-answer question about leaders, citing one new paragraph; no options (add them)."""

    class Meta:
        model = quiz_models.Question
        skip_postgeneration_save = True

    qtype = quiz_models.QuestionType.SINGLE
    prompt = factory.Sequence(lambda n: f"Question {n}: who leads the transition?")
    explanation = "The article names him in its first section."
    topic = quiz_models.Topic.LEADERS
    kind = models.StatementKind.FACT
    difficulty = quiz_models.Difficulty.MEDIUM
    status = quiz_models.QuestionStatus.PUBLISHED

    @factory.post_generation
    def citations(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.citations.set(extracted if extracted is not None else [ParagraphFactory()])

    @factory.post_generation
    def sections(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sections.set(extracted)


class AnswerOptionFactory(factory.django.DjangoModelFactory):
    """A wrong option at the next position."""

    class Meta:
        model = quiz_models.AnswerOption

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Option {n}")
    is_correct = False
    position = factory.Sequence(lambda n: n + 1)


class QuestionSourceFactory(factory.django.DjangoModelFactory):
    """The question is made from one leader; the fingerprint is the leader's as created."""

    class Meta:
        model = quiz_models.QuestionSource

    question = factory.SubFactory(QuestionFactory)
    leader = factory.SubFactory(LeaderFactory)
    item_fingerprint = factory.LazyAttribute(lambda o: o.leader.content_fingerprint() if o.leader else "")


class ReviewFlagFactory(factory.django.DjangoModelFactory):
    """An open flag without a paragraph or source."""

    class Meta:
        model = quiz_models.ReviewFlag

    question = factory.SubFactory(QuestionFactory)
    reason = "Leader “Leader 1” changed: summary"


def question_of_each_type():
    """One complete, published question of each type (a dict by type), the first two citing one paragraph."""
    paragraph = ParagraphFactory(text="Goïta seized power in Mali in 2020 and again in 2021.")
    made = {}
    single = QuestionFactory(prompt="Who leads Mali?", citations=[paragraph])
    AnswerOptionFactory(question=single, text="Assimi Goïta", is_correct=True, position=1)
    AnswerOptionFactory(question=single, text="Ibrahim Traoré", position=2, feedback="He leads Burkina Faso.")
    made["single"] = single
    kind = QuestionFactory(
        qtype=quiz_models.QuestionType.STATEMENT_KIND,
        prompt="What kind of statement is this?",
        statement="Goïta seized power in Mali in 2020.",
        kind=models.StatementKind.FACT,
        citations=[paragraph],
    )
    for position, value in enumerate(models.ARTICLE_KINDS, start=1):
        AnswerOptionFactory(
            question=kind, text="", kind=value, position=position, is_correct=value == models.StatementKind.FACT
        )
    made["statement_kind"] = kind
    ordering = QuestionFactory(
        qtype=quiz_models.QuestionType.ORDERING, prompt="Put these in order.", topic=quiz_models.Topic.TIMELINE
    )
    for text, position in (("Coup in Niger", 3), ("Coup in Mali", 1), ("Coup in Burkina Faso", 2)):
        AnswerOptionFactory(question=ordering, text=text, position=position)
    made["ordering"] = ordering
    matching = QuestionFactory(qtype=quiz_models.QuestionType.MATCHING, prompt="Match the leaders.")
    for text, match, position in (("Assimi Goïta", "Mali", 1), ("Ibrahim Traoré", "Burkina Faso", 2), ("", "Chad", 3)):
        AnswerOptionFactory(question=matching, text=text, match=match, position=position)
    made["matching"] = matching
    made["numeric"] = QuestionFactory(
        qtype=quiz_models.QuestionType.NUMERIC, prompt="How many?", numeric_answer="1486", tolerance="10", unit="troops"
    )
    short = QuestionFactory(qtype=quiz_models.QuestionType.SHORT_ANSWER, prompt="Who leads Mali? (surname)")
    AnswerOptionFactory(question=short, text="Goïta", is_correct=True)
    made["short_answer"] = short
    multiple = QuestionFactory(qtype=quiz_models.QuestionType.MULTIPLE, prompt="Which are in the AES?")
    AnswerOptionFactory(question=multiple, text="Mali", is_correct=True)
    AnswerOptionFactory(question=multiple, text="Chad")
    made["multiple"] = multiple
    true_false = QuestionFactory(qtype=quiz_models.QuestionType.TRUE_FALSE, prompt="Niger left ECOWAS.")
    AnswerOptionFactory(question=true_false, text="True", is_correct=True)
    AnswerOptionFactory(question=true_false, text="False")
    made["true_false"] = true_false
    return made


# -- quizzes and attempts -------------------------------------------------------------------------


class QuizFactory(factory.django.DjangoModelFactory):
    """A published quiz, always open, no time limit, unlimited attempts, deferred feedback; no questions (add them)."""

    class Meta:
        model = quiz_models.Quiz

    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    description = "Test what you read."
    status = quiz_models.QuizStatus.PUBLISHED
    shuffle_options = False


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.QuizQuestion

    quiz = factory.SubFactory(QuizFactory)
    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n + 1)


class QuizRuleFactory(factory.django.DjangoModelFactory):
    """Draw one question of any topic."""

    class Meta:
        model = quiz_models.QuizRule

    quiz = factory.SubFactory(QuizFactory)
    count = 1


def quiz_with(questions, **kwargs):
    """A published quiz whose fixed list is ``questions``, in that order, one mark each."""
    quiz = QuizFactory(**kwargs)
    for position, question in enumerate(questions, start=1):
        QuizQuestionFactory(quiz=quiz, question=question, position=position)
    return quiz


class StudySettingsFactory(factory.django.DjangoModelFactory):
    """A student's study settings with Anki's defaults and no steps (add StudyStep rows, or use for_user)."""

    class Meta:
        model = quiz_models.StudySettings

    user = factory.SubFactory(UserFactory)


class StudyStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.StudyStep

    settings = factory.SubFactory(StudySettingsFactory)
    kind = quiz_models.StepKind.LEARNING
    position = factory.Sequence(lambda n: n + 1)
    minutes = 10


class ReviewStateFactory(factory.django.DjangoModelFactory):
    """A new card (no review yet) of a published question, due now."""

    class Meta:
        model = quiz_models.ReviewState

    user = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)
    due = factory.LazyFunction(timezone.now)


class ReviewLogFactory(factory.django.DjangoModelFactory):
    """One Good rating that took a new card to its first learning step, ten minutes later."""

    class Meta:
        model = quiz_models.ReviewLog

    review_state = factory.SubFactory(ReviewStateFactory)
    user = factory.SelfAttribute("review_state.user")
    question = factory.SelfAttribute("review_state.question")
    rating = quiz_models.StudyRating.GOOD
    reviewed_at = factory.LazyFunction(timezone.now)
    request_key = factory.Sequence(lambda n: f"request-{n}")
    before_state = quiz_models.CardState.LEARNING
    before_step = 0
    before_due = factory.SelfAttribute("reviewed_at")
    before_reps = 0
    before_lapses = 0
    before_suspended = False
    before_is_leech = False
    after_state = quiz_models.CardState.LEARNING
    after_step = 1
    after_due = factory.LazyAttribute(lambda log: log.reviewed_at + datetime.timedelta(minutes=10))
    after_reps = 1
    after_lapses = 0
    after_suspended = False
    after_is_leech = False


# -- classes ------------------------------------------------------------------------------------------


class ParameterSetFactory(factory.django.DjangoModelFactory):
    """A fit in use (better than the defaults) for a new student; no weights (add ParameterValue rows)."""

    class Meta:
        model = quiz_models.ParameterSet

    user = factory.SubFactory(UserFactory)
    version = 1
    fitted_at = factory.LazyFunction(timezone.now)
    reviews = 100
    log_loss = 0.3
    rmse = 0.05
    default_log_loss = 0.4
    default_rmse = 0.06
    in_use = True


class ParameterValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.ParameterValue

    parameter_set = factory.SubFactory(ParameterSetFactory)
    index = 0
    value = 0.2


def fitted_parameters(user, parameters, **kwargs):
    """A fitted set in use for ``user`` with the 21 ``parameters``."""
    fitted = ParameterSetFactory(user=user, **kwargs)
    for index, value in enumerate(parameters):
        ParameterValueFactory(parameter_set=fitted, index=index, value=value)
    return fitted


class CohortFactory(factory.django.DjangoModelFactory):
    """A class open for joining, with its own code; no trainer and no students (add them, or use ``cohort_of``)."""

    class Meta:
        model = quiz_models.Cohort

    name = factory.Sequence(lambda n: f"Class {n}")
    term = "2026-27"
    join_code = factory.Sequence(lambda n: f"C{n:05d}")


class CohortTrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.CohortTrainer

    cohort = factory.SubFactory(CohortFactory)
    trainer = factory.SubFactory(UserFactory, role=TRAINERS)
    is_owner = False


class CohortMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.CohortMembership

    cohort = factory.SubFactory(CohortFactory)
    student = factory.SubFactory(UserFactory, role=STUDENTS)


class OneTimePasswordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.OneTimePassword"

    user = factory.SubFactory(UserFactory, role=STUDENTS)


def cohort_of(owner, *, students=(), **kwargs):
    """A class made by ``owner`` (its owner trainer), with ``students`` in it."""
    cohort = CohortFactory(created_by=owner, **kwargs)
    CohortTrainerFactory(cohort=cohort, trainer=owner, is_owner=True)
    for one in students:
        CohortMembershipFactory(cohort=cohort, student=one)
    return cohort


class AttemptFactory(factory.django.DjangoModelFactory):
    """A submitted first attempt, started an hour ago and submitted ten minutes later; no questions (add slots)."""

    class Meta:
        model = quiz_models.Attempt

    quiz = factory.SubFactory(QuizFactory)
    user = factory.SubFactory(UserFactory)
    number = 1
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    submitted_at = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(minutes=10))
    state = quiz_models.AttemptState.SUBMITTED


class AttemptQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.AttemptQuestion

    attempt = factory.SubFactory(AttemptFactory)
    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n + 1)


class AttemptOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.AttemptOption

    slot = factory.SubFactory(AttemptQuestionFactory)
    option = factory.SubFactory(AnswerOptionFactory, question=factory.SelfAttribute("..slot.question"))
    position = factory.Sequence(lambda n: n + 1)


class ResponseFactory(factory.django.DjangoModelFactory):
    """A wrong answer (fraction 0), given when the attempt was submitted."""

    class Meta:
        model = quiz_models.Response

    slot = factory.SubFactory(AttemptQuestionFactory)
    fraction = Decimal(0)
    answered_at = factory.LazyAttribute(lambda o: o.slot.attempt.submitted_at or timezone.now())


class ResponseChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.ResponseChoice

    response = factory.SubFactory(ResponseFactory)
    item = factory.SubFactory(AttemptOptionFactory, slot=factory.SelfAttribute("..response.slot"))


# -- assignments --------------------------------------------------------------------------------------


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A quiz set to a new class, due in a week, with the quiz's own rules."""

    class Meta:
        model = quiz_models.Assignment

    cohort = factory.SubFactory(CohortFactory)
    kind = quiz_models.AssignmentKind.QUIZ
    title = factory.Sequence(lambda n: f"Assignment {n}")
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    quiz = factory.SubFactory(QuizFactory)


class AssignmentTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.AssignmentTarget

    assignment = factory.SubFactory(AssignmentFactory)
    student = factory.SubFactory(UserFactory, role=STUDENTS)


class AssignmentOverrideFactory(factory.django.DjangoModelFactory):
    """An extension with nothing extended yet (give it a due date, attempts...)."""

    class Meta:
        model = quiz_models.AssignmentOverride

    assignment = factory.SubFactory(AssignmentFactory)
    student = factory.SubFactory(UserFactory, role=STUDENTS)


class SectionVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quiz_models.SectionVisit

    student = factory.SubFactory(UserFactory, role=STUDENTS)
    section = factory.SubFactory(SectionFactory)
    first_opened_at = factory.LazyFunction(timezone.now)


def class_world():
    """The classes trainers' tests work in: Fatou's Form 3B (Awa in it, Mariam teaching it with her),
    Ousmane's Form 4 (Issa in it), Bintou, a trainer of no class (to be added as a co-trainer), and
    Ed, an editor. Keys as the tests' ``WHO`` lists name them, plus ``other_cohort`` and ``spare_trainer``."""
    owner = trainer(username="fatou", first_name="Fatou Sow")
    awa = student(username="awa", first_name="Awa Keita")
    cohort = cohort_of(owner, name="Form 3B", term="2026-27", join_code="AB3K7Q", students=[awa])
    co_trainer = trainer(username="mariam")
    CohortTrainerFactory(cohort=cohort, trainer=co_trainer)
    other_trainer = trainer(username="ousmane")
    issa = student(username="issa", first_name="Issa Maïga")
    other_cohort = cohort_of(other_trainer, name="Form 4", join_code="ZZZZZZ", students=[issa])
    return {
        "cohort": cohort,
        "trainer": owner,
        "student": awa,
        "co_trainer": co_trainer,
        "other_cohort": other_cohort,
        "other_trainer": other_trainer,
        "other_student": issa,
        "spare_trainer": trainer(username="bintou"),
        "editor": editor(username="ed"),
    }
