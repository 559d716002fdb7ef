"""Workflows that touch several content models at once."""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import (
    Briefing,
    FaqEntry,
    KeyFigure,
    Origin,
    Paragraph,
    Section,
    SectionKind,
    SourceReference,
    Status,
    TimelineEvent,
    derived_models,
)
from .pack import PACK_SPECS, read_faq_file, read_pack_file
from .parsing import BriefingFormatError, find_dates, find_numbers, parse_article, proposal_title, read_source


@dataclass
class ImportReport:
    """What an import did, per kind of item: created, updated, unchanged, skipped (and removed proposals)."""

    counts: dict[str, Counter] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def add(self, label, outcome, detail=None):
        self.counts.setdefault(label, Counter())[outcome] += 1
        if outcome == "skipped" and detail:
            self.skipped.append(detail)

    def total(self, outcome):
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self):
        rows = []
        for label, counter in self.counts.items():
            rows.append(
                f"{label}: {counter['created']} created, {counter['updated']} updated, "
                f"{counter['unchanged']} unchanged, {counter['skipped']} skipped"
                + (f", {counter['removed']} removed" if counter["removed"] else "")
            )
        rows.extend(f"  skipped {detail}" for detail in self.skipped)
        return rows


# A proposal is titled by its sentence (see parsing.proposal_title); the whole sentence is its summary.
PROPOSAL_TITLE_LENGTH = 90
PRECISION_ORDER = {"day": 0, "month": 1, "year": 2}


def _period(date, precision):
    """The date truncated to ``precision``: (year,), (year, month) or (year, month, day)."""
    return (date.year, date.month, date.day)[: {"year": 1, "month": 2, "day": 3}[precision]]


def _same_period(date_a, precision_a, date_b, precision_b):
    """Whether two dates name the same time, compared at the coarser of their precisions."""
    coarser = max(precision_a, precision_b, key=PRECISION_ORDER.__getitem__)
    return _period(date_a, coarser) == _period(date_b, coarser)


class _Importer:
    """One import run; every write goes through ``run()``'s transaction."""

    def __init__(self, *, article_path, pack_dir, publish, now):
        self.article_path = Path(article_path)
        self.pack_dir = Path(pack_dir) if pack_dir else None
        self.publish = publish
        self.now = now
        self.report = ImportReport()
        self.paragraphs: dict[str, Paragraph] = {}
        self.sections: dict[str, Section] = {}

    # -- the article --

    def read(self):
        """Read and check every input file, before any database work."""
        self.parsed = parse_article(read_source(self.article_path), path=self.article_path)
        self.pack_files = self.read_pack() if self.pack_dir else []
        self.faq_rows = self.load_faq_rows() if self.pack_dir else []

    def import_article(self):
        parsed = self.parsed
        briefing = Briefing.objects.filter(slug=parsed.slug).first() or self._retitled_briefing(parsed)
        if briefing is None:
            # A new article waits as a draft for an editor unless the import is asked to publish it,
            # so it never takes over the reader by surprise.
            briefing = Briefing.objects.create(
                slug=parsed.slug,
                title=parsed.title,
                standfirst=parsed.standfirst,
                full_text=parsed.full_text,
                checksum=parsed.checksum,
                imported_at=self.now,
                status=Status.PUBLISHED if self.publish else Status.DRAFT,
            )
            self.report.add("briefing", "created")
        elif briefing.checksum == parsed.checksum and self._has_every_section(briefing, parsed):
            self._publish_if_asked(briefing, "unchanged")
            for paragraph in Paragraph.objects.filter(section__briefing=briefing).select_related("section"):
                self.paragraphs[paragraph.anchor] = paragraph
                self.sections[paragraph.section.slug] = paragraph.section
            self.report.counts["sections"] = Counter(unchanged=len(self.sections))
            self.report.counts["paragraphs"] = Counter(unchanged=len(self.paragraphs))
            return parsed
        else:
            briefing.slug, briefing.title, briefing.standfirst = parsed.slug, parsed.title, parsed.standfirst
            briefing.full_text, briefing.checksum, briefing.imported_at = parsed.full_text, parsed.checksum, self.now
            self._publish_if_asked(briefing, "updated")
        self._sync_sections(briefing, parsed)
        return parsed

    def _publish_if_asked(self, briefing, outcome):
        """Save the briefing (re-imports keep its status) and publish it if the import says so."""
        if self.publish and briefing.status != Status.PUBLISHED:
            briefing.status, outcome = Status.PUBLISHED, "updated"
        if outcome == "updated":
            briefing.save()
        self.report.add("briefing", outcome)

    def _has_every_section(self, briefing, parsed):
        """An unchanged text still needs syncing if a section is missing (a standfirst imported before it had one)."""
        stored = set(briefing.sections.values_list("slug", flat=True))
        return {section.slug for section in parsed.all_sections()} <= stored

    def _retitled_briefing(self, parsed):
        """The briefing that already holds most of these paragraphs: the same article under a changed title.

        Paragraph anchors are unique across briefings, so a different article whose anchors collide with
        an existing briefing's cannot be imported beside it: that is a clear error, not a crash.
        """
        anchors = [section.anchor(paragraph) for section in parsed.sections for paragraph in section.paragraphs]
        held = Counter(
            Paragraph.objects.filter(anchor__in=anchors).values_list("section__briefing_id", flat=True)
        ).most_common()
        if not held:
            return None
        owner = Briefing.objects.get(pk=held[0][0])
        if held[0][1] * 2 > len(anchors):
            return owner
        raise BriefingFormatError(
            f"{sum(count for _, count in held)} of its paragraph anchors are already used by the briefing "
            f"“{owner.title}”; rename the clashing section headings",
            path=self.article_path,
        )

    def _sync_sections(self, briefing, parsed):
        existing_sections = {s.slug: s for s in briefing.sections.all()}
        existing_paragraphs = {
            p.anchor: p for p in Paragraph.objects.filter(section__briefing=briefing).select_related("section")
        }
        # The standfirst keeps the anchor it was first imported with, even if the title (its slug) changed.
        if parsed.standfirst_section:
            held = [p.anchor for p in existing_paragraphs.values() if p.section.kind == SectionKind.STANDFIRST]
            if held:
                parsed.standfirst_section.fixed_anchor = held[0]
        all_sections = parsed.all_sections()
        wanted_anchors = {s.anchor(p) for s in all_sections for p in s.paragraphs}
        wanted_slugs = {s.slug for s in all_sections}

        gone = [p for anchor, p in existing_paragraphs.items() if anchor not in wanted_anchors]
        if gone:
            cited = set()
            for model in derived_models():
                cited.update(
                    model.citations.through.objects.filter(paragraph__in=gone).values_list(
                        "paragraph__anchor", flat=True
                    )
                )
            if cited:
                raise BriefingFormatError(
                    "the new text drops paragraphs that content still cites: " + ", ".join(sorted(cited)),
                    path=self.article_path,
                )
            Paragraph.objects.filter(pk__in=[p.pk for p in gone]).delete()
        Section.objects.filter(briefing=briefing).exclude(slug__in=wanted_slugs).delete()
        # Move numbers out of the way so renumbering never collides with the unique constraints.
        Section.objects.filter(briefing=briefing).update(number=F("number") + 10000)
        Paragraph.objects.filter(section__briefing=briefing).update(number=F("number") + 10000)

        for parsed_section in all_sections:
            section = existing_sections.get(parsed_section.slug)
            if section is None:
                section = Section.objects.create(
                    briefing=briefing,
                    slug=parsed_section.slug,
                    number=parsed_section.number,
                    title=parsed_section.title,
                    kind=parsed_section.kind,
                )
                self.report.add("sections", "created")
            else:
                changed = (section.number, section.title, section.kind) != (
                    parsed_section.number,
                    parsed_section.title,
                    parsed_section.kind,
                )
                section.number, section.title, section.kind = (
                    parsed_section.number,
                    parsed_section.title,
                    parsed_section.kind,
                )
                section.save()
                self.report.add("sections", "updated" if changed else "unchanged")
            self.sections[section.slug] = section
            for parsed_paragraph in parsed_section.paragraphs:
                anchor = parsed_section.anchor(parsed_paragraph)
                paragraph = existing_paragraphs.get(anchor)
                if paragraph is None:
                    paragraph = Paragraph.objects.create(
                        section=section,
                        number=parsed_paragraph.number,
                        anchor=anchor,
                        text=parsed_paragraph.text,
                        imported_text=parsed_paragraph.text,
                    )
                    self.report.add("paragraphs", "created")
                else:
                    self._update_paragraph(paragraph, section, parsed_paragraph)
                self.paragraphs[anchor] = paragraph

    def _update_paragraph(self, paragraph, section, parsed_paragraph):
        """Renumber in place; take the new text unless an editor corrected this paragraph since import."""
        keep_correction = paragraph.is_corrected_since_import() and paragraph.text != parsed_paragraph.text
        changed_text = not keep_correction and paragraph.text != parsed_paragraph.text
        changed = changed_text or paragraph.number != parsed_paragraph.number or paragraph.section_id != section.pk
        paragraph.section, paragraph.number = section, parsed_paragraph.number
        if not keep_correction:
            paragraph.text = paragraph.imported_text = parsed_paragraph.text
        paragraph.save()
        if keep_correction:
            self.report.add(
                "paragraphs",
                "skipped",
                f"paragraphs “{paragraph.anchor}”: corrected by an editor since the last import",
            )
        else:
            self.report.add("paragraphs", "updated" if changed else "unchanged")

    # -- generic upsert with editor protection --

    def upsert(self, model, label, *, slug, values, relations, origin, where, instance=None):
        """Create or update one item; never overwrite an item an editor changed since import.

        ``relations`` maps a relation name ("citations", "countries"...) to model instances. The item
        is found by ``slug`` unless ``instance`` is given (then ``slug`` may rename it).
        """
        keys = {
            name: [obj.anchor if isinstance(obj, Paragraph) else obj.slug for obj in objs]
            for name, objs in relations.items()
        }
        if instance is None:
            instance = (
                model.objects.filter(slug=slug).prefetch_related("citations", *model.fingerprint_relations).first()
            )
        if instance is not None:
            if not instance.import_fingerprint:
                self.report.add(label, "skipped", f"{label} “{slug}”: written by an editor, not by an import")
                return instance
            if instance.is_edited_since_import():
                self.report.add(label, "skipped", f"{label} “{slug}”: changed by an editor since the last import")
                return instance
        target = instance or model(slug=slug, origin=origin)
        renamed = target.slug != slug
        target.slug = slug
        for name, value in values.items():
            setattr(target, name, value)
        fingerprint = target.content_fingerprint(relations=keys)
        if instance is not None and fingerprint == instance.import_fingerprint and not renamed:
            self.report.add(label, "unchanged")
            return instance
        try:
            target.full_clean(exclude=["import_fingerprint"], validate_unique=True)
        except ValidationError as error:
            raise BriefingFormatError(_format_validation(error), path=where[0], line=where[1]) from None
        target.import_fingerprint = fingerprint
        target.save()
        for name, objs in relations.items():
            getattr(target, name).set(objs)
        self.report.add(label, "created" if instance is None else "updated")
        return target

    def resolve_anchors(self, anchors, where):
        missing = [a for a in anchors if a not in self.paragraphs]
        if missing:
            raise BriefingFormatError(
                f"cites a paragraph that does not exist: {', '.join(missing)}", path=where[0], line=where[1]
            )
        return [self.paragraphs[a] for a in anchors]

    # -- the article's own FAQ and sources --

    def import_faq_and_sources(self, parsed, faq_rows):
        """One FAQ entry per FAQ line, found by the line it cites: re-imports, with or without the pack, add none."""
        anchors = [faq.section.anchor(faq.paragraph) for faq in parsed.faqs]
        for row in faq_rows:
            if row.paragraph not in anchors:
                raise BriefingFormatError(
                    f"“paragraph” must be the anchor of a FAQ line, not “{row.paragraph}”",
                    path=self.pack_dir / "faq.yaml",
                    line=row.line,
                )
        by_paragraph = {row.paragraph: row for row in faq_rows}
        held = {}
        for entry in FaqEntry.objects.filter(origin=Origin.ARTICLE, citations__anchor__in=anchors).prefetch_related(
            "citations"
        ):
            for paragraph in entry.citations.all():
                held.setdefault(paragraph.anchor, entry)
        for position, (faq, anchor) in enumerate(zip(parsed.faqs, anchors, strict=True), 1):
            row, entry = by_paragraph.get(anchor), held.get(anchor)
            slug = (row and row.slug) or (entry.slug if entry else f"faq-{position}")
            kind = (row and row.kind) or (entry.kind if entry else "fact")
            self.upsert(
                FaqEntry,
                "FAQ entries",
                slug=slug,
                instance=entry,
                values={
                    "question": faq.question,
                    "answer": faq.answer,
                    "position": position,
                    "kind": kind,
                    "status": Status.PUBLISHED,
                },
                relations={"citations": [self.paragraphs[anchor]]},
                origin=Origin.ARTICLE,
                where=(self.article_path, faq.paragraph.line),
            )
        for position, source in enumerate(parsed.sources, 1):
            anchor = source.section.anchor(source.paragraph)
            self.upsert(
                SourceReference,
                "sources",
                slug=f"source-{position}",
                values={
                    "title": source.title,
                    "description": source.description,
                    "position": position,
                    "status": Status.PUBLISHED,
                },
                relations={"citations": [self.paragraphs[anchor]]},
                origin=Origin.ARTICLE,
                where=(self.article_path, source.paragraph.line),
            )

    def load_faq_rows(self):
        path = self.pack_dir / "faq.yaml"
        return read_faq_file(path) if path.exists() else []

    # -- the curated pack --

    def read_pack(self):
        """Every pack file read and checked before anything is written: (spec, path, items)."""
        if not self.pack_dir.is_dir():
            raise BriefingFormatError("the content pack folder does not exist", path=self.pack_dir)
        files = []
        for spec in PACK_SPECS:
            path = self.pack_dir / spec.filename
            if path.exists():
                files.append((spec, path, read_pack_file(spec, path)))
        return files

    def import_pack(self, files):
        for spec, path, items in files:
            pending_many = []
            for item in items:
                where = (path, item.line)
                values = dict(item.values)
                for name, slug in item.foreign.items():
                    values[name] = self._lookup(spec.related_model(name), slug, where, name)
                relations = {"citations": self.resolve_anchors(item.cites, where)}
                for name, slugs in item.many.items():
                    related_model = spec.related_model(name)
                    if related_model is spec.model:
                        pending_many.append((item.slug, name, slugs, where))
                        relations[name] = self._current_related(spec.model, item.slug, name)
                    else:
                        relations[name] = [self._lookup(related_model, s, where, name) for s in slugs]
                self.upsert(
                    spec.model,
                    spec.label,
                    slug=item.slug,
                    values=values,
                    relations=relations,
                    origin=Origin.PACK,
                    where=where,
                )
            self._link_self_relations(spec, pending_many)

    def _current_related(self, model, slug, name):
        instance = model.objects.filter(slug=slug).first()
        return list(getattr(instance, name).all()) if instance else []

    def _link_self_relations(self, spec, pending):
        """Self-references (related leaders) are set once every item of the file exists."""
        for slug, name, targets, where in pending:
            instance = spec.model.objects.get(slug=slug)
            if instance.origin != Origin.PACK or instance.is_edited_since_import():
                continue
            objs = [self._lookup(spec.model, target, where, name) for target in targets]
            if sorted(o.slug for o in getattr(instance, name).all()) == sorted(o.slug for o in objs):
                continue
            untouched = [o for o in objs if o.import_fingerprint and not o.is_edited_since_import()]
            getattr(instance, name).set(objs)
            # Symmetrical links change the other side too: refresh the fingerprints of untouched items.
            for obj in [instance, *untouched]:
                if obj.origin == Origin.PACK:
                    obj.import_fingerprint = obj.content_fingerprint()
                    obj.save(update_fields=["import_fingerprint"])

    def _lookup(self, model, slug, where, name):
        if slug is None:
            return None
        found = self.sections.get(slug) if model is Section else model.objects.filter(slug=slug).first()
        if found is None:
            raise BriefingFormatError(
                f"{name}: no {model._meta.verbose_name} with the slug “{slug}”", path=where[0], line=where[1]
            )
        return found

    # -- proposals from dates and numbers in the text --

    def propose(self, parsed):
        """Draft events and figures for what the text states and no curated item covers yet.

        A curated item covers a mention when it cites the same paragraph and names the same time
        (compared at the coarser precision) or the same number. A number is proposed once however
        often the text repeats it, citing each paragraph that states it.
        """
        curated_events = defaultdict(list)
        for event in TimelineEvent.objects.exclude(origin=Origin.PROPOSED).prefetch_related("citations"):
            for paragraph in event.citations.all():
                curated_events[paragraph.anchor].append((event.date, event.precision))
                if event.end_date:
                    curated_events[paragraph.anchor].append((event.end_date, event.end_precision))
        curated_figures = defaultdict(set)
        for figure in KeyFigure.objects.exclude(origin=Origin.PROPOSED).prefetch_related("citations"):
            for paragraph in figure.citations.all():
                curated_figures[paragraph.anchor].update(
                    value.normalize() for value in (figure.value, figure.value_high) if value is not None
                )
        events, figures = {}, {}
        for section, paragraph in parsed.body_paragraphs():
            anchor = section.anchor(paragraph)
            for mention in find_dates(paragraph.text):
                covered = any(
                    _same_period(date, precision, mention.date, mention.precision)
                    for date, precision in curated_events[anchor]
                )
                key = (mention.date, mention.precision, mention.end_date, mention.sentence)
                if not covered and key not in events:
                    events[key] = (anchor, paragraph, mention)
            for mention in find_numbers(paragraph.text):
                if mention.value.normalize() in curated_figures[anchor]:
                    continue
                key = (mention.value.normalize(), mention.value_high, mention.unit)
                if key in figures:
                    if anchor not in figures[key][0]:
                        figures[key][0].append(anchor)
                else:
                    figures[key] = ([anchor], paragraph, mention)
        made = {TimelineEvent: set(), KeyFigure: set()}
        for anchor, paragraph, mention in events.values():
            made[TimelineEvent].add(_proposal_slug("event", anchor, mention.match, mention.sentence))
            self.upsert(
                TimelineEvent,
                "proposed timeline events",
                slug=_proposal_slug("event", anchor, mention.match, mention.sentence),
                values={
                    "title": proposal_title(mention.sentence, mention.match, PROPOSAL_TITLE_LENGTH),
                    "summary": mention.sentence,
                    "date": mention.date,
                    "precision": mention.precision,
                    "end_date": mention.end_date,
                    "end_precision": "year",
                    "status": Status.DRAFT,
                    "kind": "fact",
                },
                relations={"citations": [self.paragraphs[anchor]]},
                origin=Origin.PROPOSED,
                where=(self.article_path, paragraph.line),
            )
        for anchors, paragraph, mention in figures.values():
            made[KeyFigure].add(_proposal_slug("figure", anchors[0], mention.match, mention.sentence))
            self.upsert(
                KeyFigure,
                "proposed key figures",
                slug=_proposal_slug("figure", anchors[0], mention.match, mention.sentence),
                values={
                    "label": proposal_title(mention.sentence, mention.match, PROPOSAL_TITLE_LENGTH),
                    "context": mention.sentence,
                    "value": mention.value,
                    "value_high": mention.value_high,
                    "unit": mention.unit,
                    "qualifier": mention.qualifier,
                    "status": Status.DRAFT,
                    "kind": mention.kind,
                },
                relations={"citations": [self.paragraphs[anchor] for anchor in anchors]},
                origin=Origin.PROPOSED,
                where=(self.article_path, paragraph.line),
            )
        self._remove_stale_proposals(made)

    def _remove_stale_proposals(self, made):
        """Drafts an earlier import proposed from this article and this one no longer proposes (a curated
        item covers them now, or the text changed) go, unless an editor touched or published them."""
        labels = {TimelineEvent: "proposed timeline events", KeyFigure: "proposed key figures"}
        for model, slugs in made.items():
            candidates = (
                model.objects.filter(
                    origin=Origin.PROPOSED, status=Status.DRAFT, citations__in=self.paragraphs.values()
                )
                .exclude(slug__in=slugs)
                .distinct()
                .prefetch_related("citations", *model.fingerprint_relations)
            )
            stale = [item.pk for item in candidates if item.import_fingerprint and not item.is_edited_since_import()]
            if stale:
                model.objects.filter(pk__in=stale).delete()
                self.report.counts.setdefault(labels[model], Counter())["removed"] += len(stale)

    @transaction.atomic
    def write(self):
        parsed = self.import_article()
        self.import_faq_and_sources(parsed, self.faq_rows)
        self.import_pack(self.pack_files)
        self.propose(parsed)
        return self.report


def _proposal_slug(prefix, anchor, match, sentence):
    digest = hashlib.sha256(f"{match}|{sentence}".encode()).hexdigest()[:8]
    return f"proposed-{prefix}-{anchor}-{digest}"[:120]


def _format_validation(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def import_briefing(*, article_path, pack_dir=None, publish=False, now=None):
    """Import the article and (optionally) its content pack in one transaction.

    Every file is read and checked first, then written in one transaction. A new article becomes a
    draft briefing unless ``publish``; a re-imported one keeps its status (``publish`` publishes
    it). Raises ``BriefingFormatError`` naming the file and line on bad input; then nothing is
    written.
    """
    importer = _Importer(article_path=article_path, pack_dir=pack_dir, publish=publish, now=now or timezone.now())
    importer.read()
    return importer.write()
