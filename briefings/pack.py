"""Read the curated content pack: YAML files of items derived from the article.

No database: this module reads and checks the files; ``actions.import_briefing`` resolves the
slugs and anchors they name and writes the items. The format, which ``content/pack/README.md``
explains for editors:

- One file per item type (``PACK_SPECS``): ``countries.yaml``, ``actors.yaml``, ``leaders.yaml``,
  ``timeline.yaml``, ``figures.yaml``, ``concepts.yaml``, ``takeaways.yaml``, plus ``faq.yaml``.
  A missing file is skipped. Each file is UTF-8, at most ``MAX_PACK_FILE_BYTES``, and holds a list
  of mappings (items), nested at most ``MAX_DEPTH`` levels.
- Every item has a ``slug`` (unique in its file), ``cites``: the anchor of a paragraph, or a list
  of them (``the-wagner-transition-p3``; the standfirst is ``<article-slug>-standfirst``), and
  optionally ``kind`` (``fact`` by default, or another ``StatementKind``; a ``background`` item may
  cite nothing), ``status`` (``published`` by default) and ``position`` (order in its file by
  default).
- The other keys are the model's fields listed in the spec. Their values are single scalars and
  are checked by a ``ModelForm`` of that model: required fields, choices, numbers, ISO dates
  (``2023-09-16``), lengths, the model's own ``clean()``. Relations name other items by slug: a
  single slug for a ``foreign`` relation, a slug or a list of slugs for a ``many`` one. An item may
  name another item of its own file anywhere in it (``part_of``, ``related``); a loop of single
  relations is an error.
- ``faq.yaml`` classifies the article's own FAQ pairs: ``paragraph`` (the anchor of a FAQ line,
  ``frequently-asked-questions-p2``), and optionally ``slug`` and ``kind``.
- YAML's dates stay text until the form reads them, so ``2023-02-30`` is a field error, not a crash.

Every error is a ``BriefingFormatError`` naming the file and the line of the item.
"""

from dataclasses import dataclass
from functools import cached_property

import yaml
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import modelform_factory

from .models import (
    Actor,
    Concept,
    Country,
    KeyFigure,
    Leader,
    StatementKind,
    Status,
    Takeaway,
    TimelineEvent,
    derived_models,
)
from .parsing import BriefingFormatError, read_source

MAX_PACK_FILE_BYTES = 1_000_000
MAX_DEPTH = 10
COMMON_FIELDS = ("slug", "kind", "status", "position")
SCALARS = (str, int, float, bool)


class _PackLoader(yaml.SafeLoader):
    """Safe YAML loader that keeps dates as text and remembers the line of every mapping."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


_PackLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _check_depth(text, path):
    """Refuse deep nesting before building anything (the loader recurses once per level)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise BriefingFormatError(
                    f"the items are nested more than {MAX_DEPTH} levels deep", path=path, line=event.start_mark.line + 1
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def load_rows(path, *, loader=_PackLoader):
    """The file's items: a list of mappings with string keys, each with its ``__line__``.

    ``loader``: ``_PackLoader`` or a subclass of it (the quizzes file keeps the line of every text too).
    """
    text = read_source(path, limit=MAX_PACK_FILE_BYTES)
    try:
        _check_depth(text, path)
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise BriefingFormatError(f"invalid YAML: {error.problem or error}", path=path, line=line) from None
    except BriefingFormatError:
        raise
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        raise BriefingFormatError(f"invalid YAML: {error}", path=path) from None
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise BriefingFormatError("the file must be a list of items (mappings)", path=path, line=1)
    for row in data:
        names = [key for key in row if not isinstance(key, str)]
        if names:
            raise BriefingFormatError(
                f"field names must be text, not {names[0]!r}", path=path, line=row.get("__line__")
            )
    return data


# The columns' limits on every database (SQLite would store a larger number, PostgreSQL refuse it).
INTEGER_LIMITS = {
    "SmallIntegerField": (-32768, 32767),
    "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "PositiveIntegerField": (0, 2147483647),
}


class PackItemForm(forms.ModelForm):
    """Checks one item's own fields. Uniqueness needs the database: the import checks it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            limits = INTEGER_LIMITS.get(self._meta.model._meta.get_field(name).get_internal_type())
            if limits and isinstance(form_field, forms.IntegerField):
                form_field.validators += [MinValueValidator(limits[0]), MaxValueValidator(limits[1])]

    def validate_unique(self):
        pass


@dataclass
class PackItem:
    """One checked item: its own field values, and the slugs and anchors it names."""

    slug: str
    line: int
    values: dict
    cites: list[str]
    foreign: dict[str, str | None]
    many: dict[str, list[str]]


@dataclass
class PackSpec:
    """How one pack file maps onto one model: its own fields, and relations by slug."""

    filename: str
    model: type
    label: str
    fields: tuple[str, ...]
    foreign: tuple[str, ...] = ()
    many: tuple[str, ...] = ()

    @cached_property
    def form_class(self):
        return modelform_factory(self.model, form=PackItemForm, fields=(*COMMON_FIELDS, *self.fields))

    @property
    def allowed(self):
        return {*COMMON_FIELDS, *self.fields, *self.foreign, *self.many, "cites", "__line__"}

    def related_model(self, name):
        return self.model._meta.get_field(name).related_model


_SPECS = [
    PackSpec("countries.yaml", Country, "countries", ("name", "regime", "coup_years", "summary")),
    PackSpec(
        "actors.yaml",
        Actor,
        "actors",
        ("name", "short_name", "actor_type", "summary"),
        foreign=("part_of",),
        many=("countries",),
    ),
    PackSpec(
        "leaders.yaml",
        Leader,
        "leaders",
        ("name", "rank", "role", "office", "path_to_power", "power_year", "background", "outlook", "key_quote")
        + ("summary",),
        foreign=("country",),
        many=("related",),
    ),
    PackSpec(
        "timeline.yaml",
        TimelineEvent,
        "timeline events",
        ("title", "date", "precision", "end_date", "end_precision", "summary"),
        many=("countries", "actors"),
    ),
    PackSpec(
        "figures.yaml",
        KeyFigure,
        "key figures",
        ("label", "value", "value_high", "unit", "qualifier", "context", "year"),
        foreign=("country", "actor"),
    ),
    PackSpec("concepts.yaml", Concept, "concepts", ("term", "definition", "in_the_article")),
    PackSpec("takeaways.yaml", Takeaway, "takeaways", ("text",), foreign=("section",)),
]
# One file per derived model that the pack curates, in the order of ``derived_models()``: a file's
# relations point only at models read before it (countries, then actors, then leaders...).
PACK_SPECS = sorted(_SPECS, key=lambda spec: derived_models().index(spec.model))


# Kinds of statement that come from outside the article, and so may cite no paragraph.
UNCITED_KINDS = frozenset({"background"})


def _error(message, path, row):
    return BriefingFormatError(message, path=path, line=row.get("__line__"))


def _form_errors(form):
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())


def _slug_list(name, value, path, row, *, allow_empty=True):
    """A slug or a list of slugs, as a list of strings."""
    if value in (None, ""):
        value = []
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise _error(f"“{name}” must be a slug or a list of slugs, each a single word", path, row)
    if not value and not allow_empty:
        raise _error(f"“{name}” must list at least one paragraph anchor", path, row)
    return [str(v) for v in value]


def _single_slug(name, value, path, row):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _error(f"“{name}” must be a single slug", path, row)
    return str(value)


def read_pack_file(spec, path):
    """The checked items of one pack file, in file order."""
    items, seen = [], set()
    for position, row in enumerate(load_rows(path), 1):
        unknown = sorted(set(row) - spec.allowed)
        if unknown:
            raise _error(f"unknown field(s): {', '.join(unknown)}", path, row)
        data = {"kind": StatementKind.FACT, "status": Status.PUBLISHED, "position": position}
        for name in (*COMMON_FIELDS, *spec.fields):
            value = row.get(name)
            if value is None:
                model_field = spec.model._meta.get_field(name)
                if name not in data and model_field.has_default():
                    data[name] = model_field.get_default()
                continue
            if not isinstance(value, SCALARS):
                raise _error(f"{name}: must be a single value, not a {type(value).__name__}", path, row)
            data[name] = value
        form = spec.form_class(data=data)
        if not form.is_valid():
            raise _error(_form_errors(form), path, row)
        slug = form.cleaned_data["slug"]
        if slug in seen:
            raise _error(f"the slug “{slug}” appears twice", path, row)
        seen.add(slug)
        kind = form.cleaned_data["kind"]
        cites = _slug_list("cites", row.get("cites"), path, row, allow_empty=kind in UNCITED_KINDS)
        if kind in UNCITED_KINDS and cites:
            raise _error(
                f"a “{kind}” item is not from the article and cites no paragraph: remove “cites” or change “kind”",
                path,
                row,
            )
        items.append(
            PackItem(
                slug=slug,
                line=row["__line__"],
                values={name: getattr(form.instance, name) for name in form.cleaned_data if name != "slug"},
                cites=cites,
                foreign={name: _single_slug(name, row.get(name), path, row) for name in spec.foreign},
                many={name: _slug_list(name, row.get(name), path, row) for name in spec.many},
            )
        )
    return _in_dependency_order(items, spec, path)


def _in_dependency_order(items, spec, path):
    """The items, each after the items of its own file that it names in a single relation.

    An actor may be ``part_of`` one further down its file: that one is imported first. Each item
    keeps the position it has in the file; a loop is an error.
    """
    own = [name for name in spec.foreign if spec.related_model(name) is spec.model]
    if not own:
        return items
    in_file = {item.slug for item in items}
    ordered, done, pending = [], set(), list(items)
    while pending:
        ready = [item for item in pending if all(item.foreign[name] not in in_file - done for name in own)]
        if not ready:
            raise BriefingFormatError(
                f"{own[0]}: “{pending[0].slug}” and the items it belongs to form a loop",
                path=path,
                line=pending[0].line,
            )
        ordered.extend(ready)
        done.update(item.slug for item in ready)
        pending = [item for item in pending if item.slug not in done]
    return ordered


class FaqRowForm(forms.Form):
    """One row of ``faq.yaml``: which FAQ line, under which slug, of which kind."""

    paragraph = forms.SlugField(max_length=140)
    slug = forms.SlugField(max_length=120, required=False)
    kind = forms.ChoiceField(choices=StatementKind.choices, required=False)


@dataclass
class FaqRow:
    paragraph: str
    line: int
    slug: str = ""
    kind: str = ""


def read_faq_file(path):
    """The rows of ``faq.yaml``; each names a distinct paragraph and a distinct slug."""
    rows, paragraphs, slugs = [], set(), set()
    for row in load_rows(path):
        unknown = sorted(set(row) - {"paragraph", "slug", "kind", "__line__"})
        if unknown:
            raise _error(f"unknown field(s): {', '.join(unknown)}", path, row)
        for name in ("paragraph", "slug", "kind"):
            if name in row and row[name] is not None and not isinstance(row[name], SCALARS):
                raise _error(f"{name}: must be a single value, not a {type(row[name]).__name__}", path, row)
        form = FaqRowForm(data={name: row[name] for name in ("paragraph", "slug", "kind") if row.get(name) is not None})
        if not form.is_valid():
            raise _error(_form_errors(form), path, row)
        data = form.cleaned_data
        if data["paragraph"] in paragraphs:
            raise _error(f"the paragraph “{data['paragraph']}” appears twice", path, row)
        if data["slug"] and data["slug"] in slugs:
            raise _error(f"the slug “{data['slug']}” appears twice", path, row)
        paragraphs.add(data["paragraph"])
        slugs.add(data["slug"])
        rows.append(FaqRow(paragraph=data["paragraph"], line=row["__line__"], slug=data["slug"], kind=data["kind"]))
    return rows
