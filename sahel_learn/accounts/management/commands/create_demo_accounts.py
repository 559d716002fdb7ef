import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from sahel_learn.accounts.roles import EDITORS, STUDENTS, TRAINERS

DEMO_ACCOUNTS = [
    ("student", STUDENTS, False),
    ("trainer", TRAINERS, False),
    ("editor", EDITORS, True),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts (student, trainer, editor) with random passwords, printed once. "
        "Accounts that exist are left as they are; --reset gives them new passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Give existing demo accounts new passwords.")

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        User = get_user_model()
        groups = {group.name: group for group in Group.objects.filter(name__in=[STUDENTS, TRAINERS, EDITORS])}
        for username, role, is_staff in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
            user.groups.add(groups[role])
            if created or reset:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.is_staff = is_staff
                user.save()
                self.stdout.write(f"{role[:-1].lower():8} login: {username:8} password: {password}")
            else:
                self.stdout.write(
                    f"{role[:-1].lower():8} login: {username:8} (exists; its password was printed when it was made, "
                    "`manage.py create_demo_accounts --reset` makes a new one)"
                )
