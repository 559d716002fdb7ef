"""The three roles, as auth groups. Editors work in the admin (staff); trainers and students don't.

Every app's content models are listed once, in that app's registry (``briefings.models.derived_models``);
the editors' permissions derive from it. The groups themselves are made by this app's migrations.
"""

from django.utils.translation import gettext_lazy as _

EDITORS = "Editors"
TRAINERS = "Trainers"
STUDENTS = "Students"

ROLE_LABELS = {EDITORS: _("Editor"), TRAINERS: _("Trainer"), STUDENTS: _("Student")}

# The article's own structure comes from the importer: editors may correct it, not add or delete.
CORRECTABLE_MODELS = ("briefing", "section", "paragraph")


def editable_models():
    """The model names of the content editors create, revise and retire: every derived model."""
    from briefings.models import derived_models

    return tuple(model._meta.model_name for model in derived_models())


def editor_permission_codenames():
    codenames = {f"{action}_{model}" for model in editable_models() for action in ("view", "add", "change", "delete")}
    codenames |= {f"{action}_{model}" for model in CORRECTABLE_MODELS for action in ("view", "change")}
    return codenames


def role_of(user):
    """The role a signed-in user's home is made for: Editors (or any staff), Trainers, else Students."""
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return EDITORS
    names = set(user.groups.values_list("name", flat=True))
    return TRAINERS if TRAINERS in names else STUDENTS


def is_trainer(user):
    """Whether the trainers' pages and API are for ``user`` (editors and staff have the admin instead)."""
    return role_of(user) == TRAINERS


def role_home(user, now=None):
    """What the home page's role panel needs (``templates/includes/_role_home.html``), in a few queries.

    A student's has ``quizzes``: the open published quizzes they may still take (``Quiz.objects.to_take_by``),
    the one in progress first, each as ``{"quiz", "attempts_left" (None: unlimited), "in_progress"}``;
    their attempts whose time is over are closed first, as everywhere before attempts are read;
    ``study``: where they stand today in the whole briefing's deck (``StudyQueue``); ``assigned``: the
    assignments set to them, as (assignment, status) pairs (``quizzes.assignments.assigned_to``).
    """
    from django.db.models import Count
    from django.utils import timezone

    from quizzes.actions import finish_overdue_attempts
    from quizzes.models import Attempt, Deck, Question, Quiz, StudyQueue, Topic

    role = role_of(user)
    if role is None:
        return None
    home = {"role": role, "label": ROLE_LABELS[role]}
    if role == STUDENTS:
        now = now or timezone.now()
        finish_overdue_attempts(attempts=Attempt.objects.for_student(user), now=now)
        home["quizzes"] = [
            {
                "quiz": quiz,
                "attempts_left": quiz.attempts_left(quiz.attempts_used),
                "in_progress": quiz.in_progress_id is not None,
            }
            for quiz in Quiz.objects.to_take_by(user, now)
        ]
        home["study"] = StudyQueue.of(user=user, deck=Deck(), now=now)
        from quizzes.assignments import assigned_to

        home["assigned"] = assigned_to(user, now)
    elif role == EDITORS:
        home["needs_review"] = Question.objects.needs_review().count()
    elif role == TRAINERS:
        from quizzes.models import Cohort

        home["cohorts"] = list(Cohort.objects.taught_by(user).with_student_counts().order_by("name", "pk"))
        counts = Question.objects.published().values("topic").annotate(count=Count("pk")).order_by("topic")
        home["published_by_topic"] = [(Topic(row["topic"]).label, row["count"]) for row in counts]
        home["published_total"] = sum(count for _label, count in home["published_by_topic"])
    return home
