"""Formerly made the Editors, Trainers and Students groups; ``accounts.0001_roles`` does that now.

Kept, and kept empty, so that databases where it ran keep a consistent history.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
