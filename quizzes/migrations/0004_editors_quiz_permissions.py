"""Editors manage quizzes (their question lists and draw rules) and read attempts.

Idempotent, as 0002: creates the Editors group if absent and only adds permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
MANAGED = ("quiz", "quizquestion", "quizrule")
VIEWED = ("attempt", "attemptquestion", "response")


def codenames():
    names = {f"{action}_{model}" for model in MANAGED for action in ("view", "add", "change", "delete")}
    return names | {f"view_{model}" for model in VIEWED}


def grant(apps, schema_editor):
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
        ("quizzes", "0003_quizzes_and_attempts"),
        ("quizzes", "0002_editors_question_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
