"""Classes (``Cohort``): a trainer's group of students, who join with a short code or a join link.

A class has one owner (the trainer who made it) and any number of co-trainers, each a
``CohortTrainer`` row; its students are ``CohortMembership`` rows, one per student and class (a
student may be in several classes). Who manages a class is decided once:
``Cohort.objects.taught_by(user)``, the classes a trainer owns or co-trains (pages and API scope by
it; anybody else's class is a 404), and ``is_trainer`` (``sahel_learn.accounts.roles``) for the role.

**Join codes.** Six characters from an alphabet without look-alikes (no 0/O, 1/I/L):
``JOIN_CODE_ALPHABET``, 31^6 ≈ 887 million codes, unique among classes. Typed codes are read by ``normalize_join_code`` (case, spaces and hyphens do not matter).
A regenerated code replaces the old one, which then joins nothing.

**Lists of names.** ``parse_student_names`` is the pure core of adding students in bulk: its
docstring is the format.

The models live in this module and are imported by ``quizzes.models``; the workflows are in
``quizzes.actions`` (under "classes").
"""

import csv
import io
import re
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
# A one-time password: ten letters and digits without look-alikes, read aloud or copied from paper.
ONE_TIME_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet
ONE_TIME_PASSWORD_LENGTH = 10
# The most names one list may hold, and the longest name.
MAX_NAMES = 200
MAX_NAME_LENGTH = 150


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(raw):
    """A code as typed ("ab3 k-7q") as stored ("AB3K7Q"): case, spaces and hyphens do not matter."""
    return re.sub(r"[\s-]+", "", str(raw or "")).upper()


def new_one_time_password():
    """``abcde-fghjk``: two groups of five, easy to read from a printed sheet."""
    chars = "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def username_base(name):
    """The ASCII stem of a username made from a name: "Aïssata Traoré" → "aissata.traore".

    Letters lose their accents, everything that is not a letter or a digit separates words, words
    are joined by dots; a name with no Latin letters or digits at all gives "student".
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    return ".".join(words)[:30].strip(".") or "student"


class NameListError(ValueError):
    """A list of names that cannot be read; the message says why."""


def parse_student_names(text, *, is_csv=False):
    """The names in a pasted list or an uploaded file, in order.

    - One name per line; blank lines are skipped; spaces inside a name are collapsed.
    - In a CSV file (``is_csv``), the first cell of each row is the name; a first row whose first
      cell is "name" (any case) is a header and is skipped.
    - At most ``MAX_NAMES`` names, each at most ``MAX_NAME_LENGTH`` characters; an empty list, or
      one beyond these limits, raises ``NameListError``.
    The same name twice gives two names (two students may share a name).
    """
    if is_csv:
        rows = [row[0] if row else "" for row in csv.reader(io.StringIO(text))]
        if rows and rows[0].strip().lower() == "name":
            rows = rows[1:]
    else:
        rows = text.splitlines()
    names = [" ".join(row.split()) for row in rows]
    names = [name for name in names if name]
    if not names:
        raise NameListError(_("The list has no names: write one name per line."))
    if len(names) > MAX_NAMES:
        raise NameListError(
            _("The list has %(count)d names; add at most %(limit)d at a time.")
            % {"count": len(names), "limit": MAX_NAMES}
        )
    too_long = next((name for name in names if len(name) > MAX_NAME_LENGTH), None)
    if too_long is not None:
        raise NameListError(
            _("“%(start)s…” is longer than %(limit)d characters: is it one name per line?")
            % {"start": too_long[:30], "limit": MAX_NAME_LENGTH}
        )
    return names


class CohortQuerySet(models.QuerySet):
    def taught_by(self, user):
        """The classes ``user`` owns or co-trains (none for anonymous)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=CohortTrainer.objects.filter(trainer=user).values("cohort"))

    def of_student(self, user):
        """The classes ``user`` is a student of (none for anonymous)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=CohortMembership.objects.filter(student=user).values("cohort"))

    def with_student_counts(self):
        return self.annotate(student_count=Count("memberships", distinct=True))


class Cohort(models.Model):
    """A class: a trainer's group of students."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    term = models.CharField(_("term"), max_length=60, blank=True, help_text=_("For instance “2026–27, first term”."))
    join_code = models.CharField(
        _("join code"), max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code, editable=False
    )
    joining_open = models.BooleanField(
        _("joining open"), default=True, help_text=_("Whether students can join with the code or the link.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CohortMembership", related_name="cohorts", verbose_name=_("students")
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CohortTrainer", related_name="cohorts_trained", verbose_name=_("trainers")
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self):
        return f"{self.name} ({self.term})" if self.term else self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("quizzes:cohort-detail", args=[self.pk])

    def join_path(self):
        from django.urls import reverse

        return reverse("quizzes:cohort-join-link", args=[self.join_code])

    def is_owned_by(self, user):
        return self.trainer_links.filter(trainer=user, is_owner=True).exists()


class CohortMembership(models.Model):
    """One student in one class."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("class"))
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cohort_memberships",
        verbose_name=_("student"),
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        ordering = ["cohort", "student__first_name", "student__username"]
        verbose_name = _("class membership")
        verbose_name_plural = _("class memberships")
        constraints = [models.UniqueConstraint(fields=["cohort", "student"], name="cohortmembership_unique_student")]

    def __str__(self):
        return f"{self.student} in {self.cohort}"


class CohortTrainer(models.Model):
    """A trainer of one class: its owner (who made it) or a co-trainer."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="trainer_links", verbose_name=_("class"))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cohort_trainer_links",
        verbose_name=_("trainer"),
    )
    is_owner = models.BooleanField(_("owner"), default=False)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["cohort", "-is_owner", "added_at", "pk"]
        verbose_name = _("class trainer")
        verbose_name_plural = _("class trainers")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "trainer"], name="cohorttrainer_unique_trainer"),
            models.UniqueConstraint(fields=["cohort"], condition=Q(is_owner=True), name="cohorttrainer_one_owner"),
        ]

    def __str__(self):
        return f"{self.trainer} ({_('owner') if self.is_owner else _('co-trainer')}) of {self.cohort}"
