"""Editors manage the question bank: view/add/change/delete questions, options and sources; view review flags.

Idempotent: creates the Editors group if it is absent, and only adds permissions (never removes
what another migration or an administrator granted). The group name is written out here, not
imported, because migrations must not depend on where the roles module lives.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
MANAGED = ("question", "answeroption", "questionsource")
VIEWED = ("reviewflag",)


def codenames():
    names = {f"{action}_{model}" for model in MANAGED for action in ("view", "add", "change", "delete")}
    return names | {f"view_{model}" for model in VIEWED}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; make sure this app's exist now.
    app_config = apps.get_app_config("quizzes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames()))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name=EDITORS):
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames())
        )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_question_bank"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The roles migration creates the group first when both run; either order is safe.
        ("briefings", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
