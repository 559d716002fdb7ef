from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from briefings.actions import import_briefing
from briefings.parsing import BriefingFormatError


class Command(BaseCommand):
    help = (
        "Import the article (title, sections, paragraphs, FAQ, sources), load the curated content "
        "pack, and propose draft timeline events and key figures. A new article is imported as a draft "
        "briefing unless --publish is given; a re-imported one keeps its status. Safe to run again: "
        "nothing is duplicated and items edited since the last import are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The article as a UTF-8 text file.")
        parser.add_argument("--pack", type=Path, default=None, help="Folder of the content pack (YAML files).")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the briefing (a new article is otherwise imported as a draft for an editor to review).",
        )

    def handle(self, *args, path, pack, publish, **options):
        try:
            report = import_briefing(article_path=path, pack_dir=pack, publish=publish)
        except BriefingFormatError as error:
            raise CommandError(f"Import failed, nothing was written. {error}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path}: {report.total('created')} created, {report.total('updated')} updated, "
                f"{report.total('unchanged')} unchanged, {report.total('skipped')} skipped."
            )
        )
