import datetime
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from briefings.models import Briefing, Section, SectionKind
from quizzes.actions import assign, create_cohort
from quizzes.models import Assignment, AssignmentKind, Cohort, CohortMembership, Quiz
from sahel_learn.accounts.roles import EDITORS, STUDENTS, TRAINERS

DEMO_ACCOUNTS = [
    ("student", STUDENTS, False),
    ("trainer", TRAINERS, False),
    ("editor", EDITORS, True),
]
DEMO_CLASS = "Demo class"
DEMO_TERM = "Sahel briefing"
DEMO_QUIZ_ASSIGNMENT = "Quiz for next week"
DEMO_READING = "Read the first two sections"
DEMO_STUDY_GOAL = "90% recall on the timeline"


class Command(BaseCommand):
    help = (
        "Create the demo accounts (student, trainer, editor) with random passwords, printed once, and a demo "
        "class taught by the trainer with the student in it. Accounts that exist are left as they are; "
        "--reset gives them new passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Give existing demo accounts new passwords.")

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        User = get_user_model()
        users = {}
        groups = {group.name: group for group in Group.objects.filter(name__in=[STUDENTS, TRAINERS, EDITORS])}
        for username, role, is_staff in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
            user.groups.add(groups[role])
            users[username] = user
            if created or reset:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.is_staff = is_staff
                user.save()
                self.stdout.write(f"{role[:-1].lower():8} login: {username:8} password: {password}")
            else:
                self.stdout.write(
                    f"{role[:-1].lower():8} login: {username:8} (exists; its password was printed when it was made, "
                    "`manage.py create_demo_accounts --reset` makes a new one)"
                )
        self._demo_class(trainer=users["trainer"], student=users["student"])

    def _demo_class(self, *, trainer, student):
        """The trainer's demo class with the student in it, made once (kept as it is when it exists)."""
        cohort = Cohort.objects.taught_by(trainer).filter(name=DEMO_CLASS).first()
        if cohort is None:
            cohort = create_cohort(name=DEMO_CLASS, term=DEMO_TERM, created_by=trainer)
        CohortMembership.objects.get_or_create(cohort=cohort, student=student)
        self.stdout.write(f"class    {cohort.name!r} taught by {trainer}, join code {cohort.join_code}")
        self._demo_assignments(cohort=cohort, trainer=trainer)

    def _demo_assignments(self, *, cohort, trainer):
        """A shipped quiz, a reading of the first two sections and a study goal, each set once to the class."""
        now = timezone.now()
        due = (now + datetime.timedelta(days=7)).replace(hour=17, minute=0, second=0, microsecond=0)
        quiz = (
            Quiz.objects.published()
            .filter(Q(closes_at__isnull=True) | Q(closes_at__gte=due), import_key__isnull=False)
            .order_by("title", "pk")
            .first()
        )
        briefing = Briefing.objects.current()
        sections = (
            list(Section.objects.filter(briefing=briefing, kind=SectionKind.BODY).order_by("number")[:2])
            if briefing
            else []
        )
        demos = [
            (DEMO_QUIZ_ASSIGNMENT, AssignmentKind.QUIZ, {"quiz": quiz}, quiz is not None),
            (DEMO_READING, AssignmentKind.READING, {"sections": sections}, bool(sections)),
            (
                DEMO_STUDY_GOAL,
                AssignmentKind.STUDY_GOAL,
                {"deck": "topic:timeline", "target_recall": Decimal("0.90")},
                True,
            ),
        ]
        for title, kind, values, possible in demos:
            if Assignment.objects.filter(cohort=cohort, title=title).exists():
                continue
            if not possible:
                self.stdout.write(f"assignment {title!r} skipped: import the briefing and the quizzes first")
                continue
            assign(cohort=cohort, kind=kind, title=title, due_at=due, created_by=trainer, now=now, **values)
            self.stdout.write(f"assignment {title!r} set to {cohort.name!r}, due {due:%Y-%m-%d %H:%M}")
