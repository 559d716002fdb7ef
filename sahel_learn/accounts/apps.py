from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Who uses Sahel Learn: the three roles (editors, trainers, students) as auth groups."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sahel_learn.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
