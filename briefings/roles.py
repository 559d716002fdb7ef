"""The three roles, as auth groups. Editors work in the admin (staff); trainers and students don't."""

from django.utils.translation import gettext_lazy as _

EDITORS = "Editors"
TRAINERS = "Trainers"
STUDENTS = "Students"

ROLE_LABELS = {EDITORS: _("Editor"), TRAINERS: _("Trainer"), STUDENTS: _("Student")}

# Derived content editors create, revise and retire.
EDITABLE_MODELS = (
    "country",
    "actor",
    "leader",
    "timelineevent",
    "keyfigure",
    "concept",
    "takeaway",
    "faqentry",
    "sourcereference",
)
# The article's own structure comes from the importer: editors may correct it, not add or delete.
CORRECTABLE_MODELS = ("briefing", "section", "paragraph")


def editor_permission_codenames():
    codenames = {f"{action}_{model}" for model in EDITABLE_MODELS for action in ("view", "add", "change", "delete")}
    codenames |= {f"{action}_{model}" for model in CORRECTABLE_MODELS for action in ("view", "change")}
    return codenames
