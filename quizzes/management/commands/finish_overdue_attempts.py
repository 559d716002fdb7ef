"""Close the attempts whose time is over, by their quiz's rule (run it from cron, every minute or so).

The pages and the API close a student's overdue attempts when they read them; this closes the
others, so grades and reports are up to date without waiting for the student to come back.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.actions import finish_overdue_attempts


class Command(BaseCommand):
    help = "Submit or close every quiz attempt whose time is over, by its quiz's rule."

    def handle(self, *args, **options):
        closed = finish_overdue_attempts(now=timezone.now())
        self.stdout.write(f"{closed} attempt(s) closed.")
