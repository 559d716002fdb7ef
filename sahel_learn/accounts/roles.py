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
