"""Workflows that touch several content models at once."""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import (
    Actor,
    Briefing,
    Concept,
    Country,
    FaqEntry,
    KeyFigure,
    Leader,
    Origin,
    Paragraph,
    Section,
    SourceReference,
    Status,
    Takeaway,
    TimelineEvent,
    shorten,
)
from .parsing import BriefingFormatError, find_dates, find_numbers, parse_article, read_source


@dataclass
class ImportReport:
    """What an import did, per kind of item: created, updated, unchanged, skipped."""

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
            )
        rows.extend(f"  skipped {detail}" for detail in self.skipped)
        return rows


# --- The content pack -----------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """Safe YAML loader that remembers the line of every mapping."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _load_yaml(path):
    try:
        text = read_source(path)
    except BriefingFormatError:
        raise
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise BriefingFormatError(f"invalid YAML: {error.problem or error}", path=path, line=line) from None
    except yaml.YAMLError as error:
        raise BriefingFormatError(f"invalid YAML: {error}", path=path) from None
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise BriefingFormatError("the file must be a list of items (mappings)", path=path, line=1)
    return data


@dataclass
class PackSpec:
    """How one pack file maps onto one model."""

    filename: str
    model: type
    label: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    foreign: dict[str, type] = field(default_factory=dict)
    many: dict[str, type] = field(default_factory=dict)


PACK_SPECS = [
    PackSpec("countries.yaml", Country, "countries", ("name", "regime", "coup_years", "summary"), ("name", "summary")),
    PackSpec(
        "actors.yaml",
        Actor,
        "actors",
        ("name", "short_name", "actor_type", "summary"),
        ("name", "actor_type", "summary"),
        many={"countries": Country},
    ),
    PackSpec(
        "leaders.yaml",
        Leader,
        "leaders",
        (
            "name",
            "rank",
            "role",
            "office",
            "path_to_power",
            "power_year",
            "background",
            "outlook",
            "key_quote",
            "summary",
        ),
        ("name", "role", "summary"),
        foreign={"country": Country},
        many={"related": Leader},
    ),
    PackSpec(
        "timeline.yaml",
        TimelineEvent,
        "timeline events",
        ("title", "date", "precision", "end_date", "end_precision", "summary"),
        ("title", "date", "precision", "summary"),
        many={"countries": Country, "actors": Actor},
    ),
    PackSpec(
        "figures.yaml",
        KeyFigure,
        "key figures",
        ("label", "value", "value_high", "unit", "qualifier", "context", "year"),
        ("label", "value", "context"),
        foreign={"country": Country, "actor": Actor},
    ),
    PackSpec("concepts.yaml", Concept, "concepts", ("term", "definition", "in_the_article"), ("term", "definition")),
    PackSpec("takeaways.yaml", Takeaway, "takeaways", ("text",), ("section", "text"), foreign={"section": Section}),
]
# A proposal is titled by the start of its sentence; the whole sentence is its summary.
PROPOSAL_TITLE_LENGTH = 90
COMMON_KEYS = {"slug", "kind", "cites", "status", "position", "__line__"}


def _coerce(model, name, value):
    """Turn a YAML scalar into the model field's Python value, or raise ValueError."""
    model_field = model._meta.get_field(name)
    if value is None or value == "":
        if model_field.null:
            return None
        return "" if model_field.get_internal_type() in {"CharField", "TextField", "SlugField"} else None
    internal = model_field.get_internal_type()
    if internal == "DateField":
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))
    if internal == "DecimalField":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{name} must be a number, not {value!r}") from None
    if internal in {"PositiveSmallIntegerField", "PositiveIntegerField", "IntegerField"}:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number, not {value!r}")
        return value
    if not isinstance(value, (str, int, float)):
        raise ValueError(f"{name} must be text, not {type(value).__name__}")
    return str(value)


class _Importer:
    """One import run; every write goes through ``run()``'s transaction."""

    def __init__(self, *, article_path, pack_dir, now):
        self.article_path = Path(article_path)
        self.pack_dir = Path(pack_dir) if pack_dir else None
        self.now = now
        self.report = ImportReport()
        self.paragraphs: dict[str, Paragraph] = {}
        self.sections: dict[str, Section] = {}

    # -- the article --

    def import_article(self):
        parsed = parse_article(read_source(self.article_path), path=self.article_path)
        briefing = Briefing.objects.filter(slug=parsed.slug).first() or self._retitled_briefing(parsed)
        if briefing is None:
            briefing = Briefing.objects.create(
                slug=parsed.slug,
                title=parsed.title,
                standfirst=parsed.standfirst,
                full_text=parsed.full_text,
                checksum=parsed.checksum,
                imported_at=self.now,
                status=Status.PUBLISHED,
            )
            self.report.add("briefing", "created")
        elif briefing.checksum == parsed.checksum:
            self.report.add("briefing", "unchanged")
            for paragraph in Paragraph.objects.filter(section__briefing=briefing).select_related("section"):
                self.paragraphs[paragraph.anchor] = paragraph
                self.sections[paragraph.section.slug] = paragraph.section
            self.report.counts["sections"] = Counter(unchanged=len(self.sections))
            self.report.counts["paragraphs"] = Counter(unchanged=len(self.paragraphs))
            return parsed
        else:
            briefing.slug, briefing.title, briefing.standfirst = parsed.slug, parsed.title, parsed.standfirst
            briefing.full_text, briefing.checksum, briefing.imported_at = parsed.full_text, parsed.checksum, self.now
            briefing.save()
            self.report.add("briefing", "updated")
        self._sync_sections(briefing, parsed)
        return parsed

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
        existing_paragraphs = {p.anchor: p for p in Paragraph.objects.filter(section__briefing=briefing)}
        wanted_anchors = {s.anchor(p) for s in parsed.sections for p in s.paragraphs}
        wanted_slugs = {s.slug for s in parsed.sections}

        gone = [p for anchor, p in existing_paragraphs.items() if anchor not in wanted_anchors]
        if gone:
            cited = [p.anchor for p in gone if any(getattr(p, rel).exists() for rel in _CITING_RELATIONS)]
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

        for parsed_section in parsed.sections:
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

    def upsert(self, model, label, *, slug, values, relations, origin, where):
        """Create or update one item; never overwrite an item an editor changed since import.

        ``relations`` maps a relation name ("citations", "countries"...) to model instances.
        """
        keys = {
            name: [obj.anchor if isinstance(obj, Paragraph) else obj.slug for obj in objs]
            for name, objs in relations.items()
        }
        instance = model.objects.filter(slug=slug).prefetch_related("citations", *model.fingerprint_relations).first()
        if instance is not None:
            if not instance.import_fingerprint:
                self.report.add(label, "skipped", f"{label} “{slug}”: written by an editor, not by an import")
                return instance
            if instance.is_edited_since_import():
                self.report.add(label, "skipped", f"{label} “{slug}”: changed by an editor since the last import")
                return instance
        target = instance or model(slug=slug, origin=origin)
        for name, value in values.items():
            setattr(target, name, value)
        fingerprint = target.content_fingerprint(relations=keys)
        if instance is not None and fingerprint == instance.import_fingerprint:
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
        if isinstance(anchors, str):
            anchors = [anchors]
        if not isinstance(anchors, list) or not anchors:
            raise BriefingFormatError("“cites” must list at least one paragraph anchor", path=where[0], line=where[1])
        missing = [a for a in anchors if a not in self.paragraphs]
        if missing:
            raise BriefingFormatError(
                f"cites a paragraph that does not exist: {', '.join(map(str, missing))}", path=where[0], line=where[1]
            )
        return [self.paragraphs[a] for a in anchors]

    # -- the article's own FAQ and sources --

    def import_faq_and_sources(self, parsed, faq_meta):
        for position, faq in enumerate(parsed.faqs, 1):
            anchor = faq.section.anchor(faq.paragraph)
            meta = faq_meta.get(anchor, {})
            self.upsert(
                FaqEntry,
                "FAQ entries",
                slug=meta.get("slug") or f"faq-{position}",
                values={
                    "question": faq.question,
                    "answer": faq.answer,
                    "position": position,
                    "kind": meta.get("kind", "fact"),
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

    def load_faq_meta(self):
        path = self.pack_dir / "faq.yaml"
        if not path.exists():
            return {}
        meta = {}
        for row in _load_yaml(path):
            where = (path, row.get("__line__"))
            unknown = set(row) - {"paragraph", "slug", "kind", "__line__"}
            if unknown:
                raise BriefingFormatError(f"unknown field(s): {', '.join(sorted(unknown))}", path=path, line=where[1])
            if row.get("paragraph") not in self.paragraphs:
                raise BriefingFormatError(
                    f"“paragraph” must be the anchor of a FAQ line, not {row.get('paragraph')!r}",
                    path=path,
                    line=where[1],
                )
            meta[row["paragraph"]] = row
        return meta

    # -- the curated pack --

    def import_pack(self):
        if not self.pack_dir.is_dir():
            raise BriefingFormatError("the content pack folder does not exist", path=self.pack_dir)
        for spec in PACK_SPECS:
            path = self.pack_dir / spec.filename
            if not path.exists():
                continue
            rows = _load_yaml(path)
            pending_many = []
            seen = set()
            for position, row in enumerate(rows, 1):
                where = (path, row.get("__line__"))
                allowed = COMMON_KEYS | set(spec.fields) | set(spec.foreign) | set(spec.many)
                unknown = set(row) - allowed
                if unknown:
                    raise BriefingFormatError(
                        f"unknown field(s): {', '.join(sorted(unknown))}", path=path, line=where[1]
                    )
                missing = [name for name in ("slug", *spec.required) if row.get(name) in (None, "")]
                if missing:
                    raise BriefingFormatError(
                        f"missing required field(s): {', '.join(missing)}", path=path, line=where[1]
                    )
                slug = str(row["slug"])
                if slug in seen:
                    raise BriefingFormatError(f"the slug “{slug}” appears twice", path=path, line=where[1])
                seen.add(slug)
                try:
                    values = {name: _coerce(spec.model, name, row.get(name)) for name in spec.fields if name in row}
                except ValueError as error:
                    raise BriefingFormatError(str(error), path=path, line=where[1]) from None
                values["kind"] = row.get("kind", "fact")
                values["status"] = row.get("status", Status.PUBLISHED)
                values["position"] = row.get("position", position)
                for name, related_model in spec.foreign.items():
                    values[name] = self._lookup(related_model, row.get(name), where, name)
                relations = {"citations": self.resolve_anchors(row.get("cites"), where)}
                for name, related_model in spec.many.items():
                    if related_model is spec.model:
                        pending_many.append((slug, name, row.get(name) or [], where))
                        relations[name] = self._current_related(spec.model, slug, name)
                    else:
                        relations[name] = [self._lookup(related_model, s, where, name) for s in _as_list(row.get(name))]
                self.upsert(
                    spec.model,
                    spec.label,
                    slug=slug,
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
            objs = [self._lookup(spec.model, target, where, name) for target in _as_list(targets)]
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
        if slug in (None, ""):
            return None
        found = self.sections.get(str(slug)) if model is Section else model.objects.filter(slug=str(slug)).first()
        if found is None:
            raise BriefingFormatError(
                f"{name}: no {model._meta.verbose_name} with the slug “{slug}”", path=where[0], line=where[1]
            )
        return found

    # -- proposals from dates and numbers in the text --

    def propose(self, parsed):
        curated_events = {
            (p.anchor, e.date, e.precision)
            for e in TimelineEvent.objects.exclude(origin=Origin.PROPOSED).prefetch_related("citations")
            for p in e.citations.all()
        }
        curated_figures = {
            (p.anchor, f.value.normalize())
            for f in KeyFigure.objects.exclude(origin=Origin.PROPOSED).prefetch_related("citations")
            for p in f.citations.all()
        }
        for section, paragraph in parsed.body_paragraphs():
            anchor = section.anchor(paragraph)
            where = (self.article_path, paragraph.line)
            for mention in find_dates(paragraph.text):
                if (anchor, mention.date, mention.precision) in curated_events:
                    continue
                self.upsert(
                    TimelineEvent,
                    "proposed timeline events",
                    slug=_proposal_slug("event", anchor, mention.match, mention.sentence),
                    values={
                        "title": shorten(mention.sentence, PROPOSAL_TITLE_LENGTH),
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
                    where=where,
                )
            for mention in find_numbers(paragraph.text):
                if (anchor, mention.value.normalize()) in curated_figures:
                    continue
                self.upsert(
                    KeyFigure,
                    "proposed key figures",
                    slug=_proposal_slug("figure", anchor, mention.match, mention.sentence),
                    values={
                        "label": shorten(mention.sentence, PROPOSAL_TITLE_LENGTH),
                        "context": mention.sentence,
                        "value": mention.value,
                        "value_high": mention.value_high,
                        "unit": mention.unit,
                        "status": Status.DRAFT,
                        "kind": "fact",
                    },
                    relations={"citations": [self.paragraphs[anchor]]},
                    origin=Origin.PROPOSED,
                    where=where,
                )

    def run(self):
        parsed = self.import_article()
        faq_meta = self.load_faq_meta() if self.pack_dir else {}
        self.import_faq_and_sources(parsed, faq_meta)
        if self.pack_dir:
            self.import_pack()
        self.propose(parsed)
        return self.report


_CITING_RELATIONS = [
    f"cited_by_{model._meta.model_name}"
    for model in (Country, Actor, Leader, TimelineEvent, KeyFigure, Concept, Takeaway, FaqEntry, SourceReference)
]


def _as_list(value):
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def _proposal_slug(prefix, anchor, match, sentence):
    digest = hashlib.sha256(f"{match}|{sentence}".encode()).hexdigest()[:8]
    return f"proposed-{prefix}-{anchor}-{digest}"[:120]


def _format_validation(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


@transaction.atomic
def import_briefing(*, article_path, pack_dir=None, now=None):
    """Import the article and (optionally) its content pack in one transaction.

    Raises ``BriefingFormatError`` naming the file and line on bad input; then nothing is written.
    """
    return _Importer(article_path=article_path, pack_dir=pack_dir, now=now or timezone.now()).run()
