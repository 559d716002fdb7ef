from django.core.management.base import BaseCommand, CommandError

from quizzes.actions import generate_questions
from quizzes.models import QuestionSource


def _item_models():
    """Model name ("leader", "timelineevent"...) -> content model a question can be made from."""
    return {model._meta.model_name: model for model in QuestionSource.ITEM_FIELDS}


class Command(BaseCommand):
    help = (
        "Build draft questions from the published content (leaders, timeline, key figures, concepts, "
        "FAQ, actors, takeaways). Safe to run again: nothing is duplicated, questions an editor changed "
        "are left alone, and it reports what it created, updated, left unchanged and skipped."
    )

    def add_arguments(self, parser):
        names = ", ".join(sorted(_item_models()))
        parser.add_argument(
            "--item",
            action="append",
            default=[],
            metavar="MODEL:SLUG",
            help=f"Only the questions made from this item (repeatable), e.g. leader:assimi-goita. Models: {names}.",
        )

    def handle(self, *args, item, **options):
        items = [self._item(value) for value in item] or None
        report = generate_questions(items=items)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Questions: {report.summary()}"))

    def _item(self, value):
        models = _item_models()
        name, _sep, slug = value.partition(":")
        model = models.get(name.strip().lower())
        if model is None or not slug.strip():
            raise CommandError(
                f"--item {value!r}: write MODEL:SLUG, MODEL one of {', '.join(sorted(models))}, "
                "for example leader:assimi-goita."
            )
        try:
            return model.objects.get(slug=slug.strip())
        except model.DoesNotExist:
            raise CommandError(f"--item {value!r}: there is no {model._meta.verbose_name} “{slug.strip()}”.") from None
