from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from quizzes.actions import ReviewedQuestionsError, publish_reviewed_questions


class Command(BaseCommand):
    help = (
        "Generate the questions from the content, then publish the reviewed ones listed in PATH "
        "(quizzes/content/questions.yaml): each only if it is still exactly what was reviewed, "
        "nobody changed it and it was never published before. Safe to run again. With -v 2, prints "
        "what each question that differs from its review is now, to check and copy into PATH."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The reviewed questions, a YAML file.")

    def handle(self, *args, path, **options):
        try:
            report = publish_reviewed_questions(path=path)
        except ReviewedQuestionsError as error:
            raise CommandError(f"Nothing was written. {error}") from None
        for line in (*report.generation.lines(), *report.lines()):
            self.stdout.write(line)
        if options["verbosity"] >= 2:
            # What each differing question is now, as an entry to check and paste into the file.
            current = [report.generation.specs[key].review_record() for key in report.differs]
            if current:
                self.stdout.write(yaml.safe_dump(current, allow_unicode=True, sort_keys=False, width=110))
        self.stdout.write(f"Questions: {report.generation.summary()}")
        self.stdout.write(self.style.SUCCESS(f"Reviewed: {report.summary()}"))
