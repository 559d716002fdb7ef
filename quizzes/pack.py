"""Read the shipped quizzes file (``quizzes/content/quizzes.yaml``): quizzes as data.

No writing: this module reads and checks the file; ``quizzes.actions.import_quizzes`` resolves the
question keys and section slugs it names and writes the quizzes. The format:

- A YAML list of quizzes (UTF-8, at most ``briefings.pack.MAX_PACK_FILE_BYTES``), each a mapping:
  - ``slug``: unique in the file, lowercase-hyphenated; it is the quiz's identity across imports
    (kept as ``Quiz.import_key``, so an editor may rename the quiz's own slug);
  - ``title``, and optionally ``description`` (plain text) and ``status`` (``published`` by default);
  - ``settings``: optionally, a mapping of the quiz's settings, by their field names on ``Quiz``
    (``SETTING_FIELDS``: ``shuffle_questions``, ``attempts_allowed``, ``feedback_mode``,
    ``certainty_based``, ``review_after_close_answer``…); a setting left out keeps the model's default.
    ``time_limit`` and ``grace_period`` are durations (``"00:20:00"``, or seconds);
  - ``questions``: optionally, the fixed list, in order: each a question's generator key
    (``leader-country:ibrahim-traore``), or a mapping ``{key: ..., marks: 2}``;
  - ``draw``: optionally, rules drawn anew for each attempt, in order: each a mapping with
    ``count`` and any of ``section`` (a section's slug), ``topic``, ``type`` (a question type) and
    ``marks``. A rule draws its count from the published questions it accepts (fewer if there are
    fewer), never one already in the attempt.
  A quiz needs ``questions`` or ``draw``, or both.
- Every value is checked by a ``ModelForm`` of its model (``Quiz``, ``QuizQuestion``, ``QuizRule``):
  required fields, choices, numbers, lengths, the model's own ``clean()``.

Every error is a ``BriefingFormatError`` naming the file and the line of the quiz, question or rule.
"""

from dataclasses import dataclass, field
from functools import cache

from django import forms
from django.db import models
from django.forms.models import modelform_factory

from briefings.pack import SCALARS, PackItemForm, _error, _form_errors, _PackLoader, load_rows

from .models import Quiz, QuizQuestion, QuizRule, QuizStatus

SETTING_FIELDS = tuple(
    name
    for name in Quiz.FINGERPRINT_FIELDS
    if name not in ("title", "slug", "description", "status", "opens_at", "closes_at")
)
QUIZ_KEYS = {"slug", "title", "description", "status", "settings", "questions", "draw", "__line__"}
RULE_KEYS = {"count", "section", "topic", "type", "marks", "__line__"}
QUESTION_KEYS = {"key", "marks", "__line__"}


class _Text(str):
    """A text read from the file, with the ``line`` it is on."""

    line = None


class _QuizLoader(_PackLoader):
    """The pack's loader (the line of every mapping), which also keeps the line of every text."""

    def construct_yaml_str(self, node):
        text = _Text(super().construct_yaml_str(node))
        text.line = node.start_mark.line + 1
        return text


_QuizLoader.add_constructor("tag:yaml.org,2002:str", _QuizLoader.construct_yaml_str)


@dataclass
class QuestionRef:
    key: str
    marks: object
    line: int


@dataclass
class RuleSpec:
    count: int
    topic: str
    section: str  # a slug, or ""
    qtype: str
    marks: object
    line: int


@dataclass
class QuizSpec:
    """One checked quiz of the file: its own field values, its fixed list and its rules, unresolved."""

    slug: str
    line: int
    values: dict
    questions: list = field(default_factory=list)
    rules: list = field(default_factory=list)


@cache
def _quiz_form():
    return modelform_factory(
        Quiz, form=PackItemForm, fields=("title", "slug", "description", "status", *SETTING_FIELDS)
    )


@cache
def _question_form():
    return modelform_factory(QuizQuestion, form=PackItemForm, fields=("marks",))


class _RuleForm(PackItemForm):
    section = forms.SlugField(required=False, max_length=120)

    class Meta:
        model = QuizRule
        fields = ("count", "topic", "qtype", "marks")


def _defaults(model, names):
    return {name: model._meta.get_field(name).get_default() for name in names}


def _scalar(name, value, path, row):
    if not isinstance(value, SCALARS):
        raise _error(f"{name}: must be a single value, not a {type(value).__name__}", path, row)
    return value


def _quiz_values(row, path):
    """The quiz's own field values, checked by the Quiz form; an error names the settings' line when it is theirs."""
    settings = row.get("settings")
    if settings is None:
        settings = {"__line__": row["__line__"]}
    if not isinstance(settings, dict):
        raise _error("settings: must be a mapping of setting names to values", path, row)
    unknown = sorted(map(str, set(settings) - {*SETTING_FIELDS, "__line__"}))
    if unknown:
        raise _error(f"unknown setting(s): {', '.join(unknown)}", path, settings)
    data = {**_defaults(Quiz, SETTING_FIELDS), "status": QuizStatus.PUBLISHED}
    for name in ("title", "slug", "description", "status"):
        if row.get(name) is not None:
            data[name] = _scalar(name, row[name], path, row)
    for name in SETTING_FIELDS:
        if settings.get(name) is None:
            continue
        value = _scalar(name, settings[name], path, settings)
        if isinstance(Quiz._meta.get_field(name), models.BooleanField) and not isinstance(value, bool):
            raise _error(f"{name}: must be true or false", path, settings)
        data[name] = value
    form = _quiz_form()(data=data)
    if not form.is_valid():
        raise _error(_form_errors(form), path, settings if set(form.errors) <= set(SETTING_FIELDS) else row)
    return {name: getattr(form.instance, name) for name in form.cleaned_data}


def _list(name, value, path, row):
    if value is None:
        return []
    if not isinstance(value, list):
        raise _error(f"{name}: must be a list", path, row)
    return value


def _question_refs(row, path):
    refs, seen = [], set()
    for entry in _list("questions", row.get("questions"), path, row):
        where = entry if isinstance(entry, dict) else row
        if isinstance(entry, str):
            entry = where = {"key": entry, "__line__": getattr(entry, "line", None) or row["__line__"]}
        if not isinstance(entry, dict):
            raise _error("questions: each is a question's key, or a mapping with its key and marks", path, row)
        unknown = sorted(map(str, set(entry) - QUESTION_KEYS))
        if unknown:
            raise _error(f"unknown field(s): {', '.join(unknown)}", path, where)
        key = entry.get("key")
        if not isinstance(key, str) or not key.strip():
            raise _error("questions: each needs its key, as text", path, where)
        key = str(key).strip()
        marks = entry.get("marks")
        marks = _defaults(QuizQuestion, ["marks"])["marks"] if marks is None else _scalar("marks", marks, path, where)
        form = _question_form()(data={"marks": marks})
        if not form.is_valid():
            raise _error(_form_errors(form), path, where)
        if key in seen:
            raise _error(f"the question “{key}” appears twice", path, where)
        seen.add(key)
        refs.append(QuestionRef(key=key, marks=form.cleaned_data["marks"], line=where["__line__"]))
    return refs


def _rules(row, path):
    rules = []
    for entry in _list("draw", row.get("draw"), path, row):
        if not isinstance(entry, dict):
            raise _error("draw: each rule is a mapping with its count", path, row)
        unknown = sorted(map(str, set(entry) - RULE_KEYS))
        if unknown:
            raise _error(f"unknown field(s): {', '.join(unknown)}", path, entry)
        data = _defaults(QuizRule, ["marks"])
        for name, form_name in (("count", "count"), ("section", "section"), ("topic", "topic"), ("type", "qtype")):
            if entry.get(name) is not None:
                data[form_name] = _scalar(name, entry[name], path, entry)
        if entry.get("marks") is not None:
            data["marks"] = _scalar("marks", entry["marks"], path, entry)
        form = _RuleForm(data=data)
        if not form.is_valid():
            raise _error(_form_errors(form).replace("qtype:", "type:"), path, entry)
        values = form.cleaned_data
        rules.append(
            RuleSpec(
                count=values["count"],
                topic=values["topic"],
                section=values["section"],
                qtype=values["qtype"],
                marks=values["marks"],
                line=entry["__line__"],
            )
        )
    return rules


def read_quiz_file(path):
    """The checked quizzes of the file, in file order (``QuizSpec``)."""
    specs, seen = [], set()
    rows = load_rows(path, loader=_QuizLoader)
    if not rows:
        raise _error("the file must list at least one quiz", path, {"__line__": 1})
    for row in rows:
        unknown = sorted(map(str, set(row) - QUIZ_KEYS))
        if unknown:
            raise _error(f"unknown field(s): {', '.join(unknown)}", path, row)
        values = _quiz_values(row, path)
        slug = values["slug"]
        if slug in seen:
            raise _error(f"the slug “{slug}” appears twice", path, row)
        seen.add(slug)
        spec = QuizSpec(slug=slug, line=row["__line__"], values=values)
        spec.questions = _question_refs(row, path)
        spec.rules = _rules(row, path)
        if not spec.questions and not spec.rules:
            raise _error(f"the quiz “{slug}” needs “questions”, “draw” rules, or both", path, row)
        specs.append(spec)
    return specs
