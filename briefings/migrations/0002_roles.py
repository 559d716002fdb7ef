"""Create the Editors, Trainers and Students groups; Editors get exactly the content permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from briefings.roles import EDITORS, STUDENTS, TRAINERS, editor_permission_codenames


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(
        Permission.objects.filter(content_type__app_label="briefings", codename__in=editor_permission_codenames())
    )
    Group.objects.get_or_create(name=TRAINERS)
    Group.objects.get_or_create(name=STUDENTS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, TRAINERS, STUDENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
