"""What accounts keep besides Django's user: whether a password was given by somebody else."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OneTimePassword(models.Model):
    """The user's password was made for them and shown to a trainer: they must choose their own.

    While this row exists, signing in leads to the password change page and nowhere else
    (``sahel_learn.accounts.middleware.OneTimePasswordMiddleware``); changing the password deletes
    it. Made by ``quizzes.actions.create_students_in_bulk`` and ``reset_student_password``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_password", verbose_name=_("user")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("one-time password")
        verbose_name_plural = _("one-time passwords")

    def __str__(self):
        return str(self.user)
