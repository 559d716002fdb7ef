"""Ensure the Editors, Trainers and Students groups; Editors get exactly the content permissions.

The groups used to be made by ``briefings.0002_roles``, which stays in the history of existing
databases but no longer does anything. This migration is idempotent: on a database where that one
ran, it finds the groups and gives Editors the same permissions again; on a fresh one it makes them. It only adds permissions, never removes any.
The names are frozen here, as a migration must not depend on code that changes later; a test checks
they agree with ``sahel_learn.accounts.roles.editor_permission_codenames()``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS, TRAINERS, STUDENTS = "Editors", "Trainers", "Students"
EDITABLE = ("country", "actor", "leader", "timelineevent", "keyfigure", "concept", "takeaway", "faqentry", "sourcereference")
CORRECTABLE = ("briefing", "section", "paragraph")
EDITOR_CODENAMES = {f"{action}_{model}" for model in EDITABLE for action in ("view", "add", "change", "delete")} | {
    f"{action}_{model}" for model in CORRECTABLE for action in ("view", "change")
}


def ensure_roles(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    # Only add: other apps' migrations (the question bank's) grant Editors their own permissions too.
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="briefings", codename__in=EDITOR_CODENAMES)
    )
    Group.objects.get_or_create(name=TRAINERS)
    Group.objects.get_or_create(name=STUDENTS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, TRAINERS, STUDENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0003_paragraph_imported_text"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(ensure_roles, remove_roles)]
