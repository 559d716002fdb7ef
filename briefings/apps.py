from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_search_index(sender, using, **kwargs):
    """Make the search index from the code after every migrate (SQLite drops triggers when it rebuilds a table)."""
    from .search import install_search_index

    install_search_index(connections[using])


class BriefingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "briefings"
    verbose_name = _("Briefing content")

    def ready(self):
        post_migrate.connect(_install_search_index, sender=self, dispatch_uid="briefings-search-index")
