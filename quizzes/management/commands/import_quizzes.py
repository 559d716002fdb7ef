from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from briefings.parsing import BriefingFormatError
from quizzes.actions import import_quizzes


class Command(BaseCommand):
    help = (
        "Create the quizzes listed in PATH (quizzes/content/quizzes.yaml; the format is in quizzes/pack.py), "
        "after import_questions. Safe to run again: a quiz is updated only while nobody has changed it since "
        "it was imported, and a quiz an editor changed is left alone and reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The quizzes, a YAML file.")

    def handle(self, *args, path, **options):
        try:
            report = import_quizzes(path=path)
        except BriefingFormatError as error:
            raise CommandError(f"Nothing was written. {error}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Quizzes: {report.summary()}"))
