"""The answer forms of the quiz pages: one per question type, each turning POST data into the ``answer``
that ``quizzes.actions.save_response`` takes (see ``_read_answer`` there for the shapes).

The forms only check that the input is well formed and names options this attempt shows (its
``AttemptOption`` ids); whether the answer may be given, and how it scores, is the engine's to say.
``answer_form(slot, quiz, data)`` picks the form for the slot's question type; unbound, it shows the
answer already given (or, for ordering, the items in the order the attempt shows them). A study card
(``quizzes.models.StudyCard``) is a slot too, with its own ids and no quiz.
"""

import datetime
import functools
from zoneinfo import available_timezones

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .cohorts import NameListError, normalize_join_code, parse_student_names
from .models import CERTAINTY_CHOICES, Cohort, QuestionType, StepKind, StudySettings, StudyStep
from .steps import StepsError, format_steps, parse_steps

NOT_AN_OPTION = _("That option is not one of this question's options.")


class AnswerForm(forms.Form):
    """What every answer form has: the certainty (certainty-based quizzes only), and ``answer()``."""

    def __init__(self, data=None, *, slot, quiz=None, **kwargs):
        self.slot, self.quiz = slot, quiz
        self.response = slot.current_response()
        super().__init__(data, **kwargs)
        self.add_answer_fields()
        if quiz is not None and quiz.certainty_based:
            self.fields["certainty"] = forms.TypedChoiceField(
                label=_("How sure are you?"),
                choices=CERTAINTY_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=_("If you do not say, your answer counts as unsure (1)."),
                error_messages={"invalid_choice": _("Certainty is 1, 2 or 3.")},
            )
            if self.response is not None and self.response.certainty:
                self.initial["certainty"] = self.response.certainty
        if self.response is not None:
            self.initial.update(self.initial_answer(self.response))

    def add_answer_fields(self):
        raise NotImplementedError

    def initial_answer(self, response):
        return {}

    def answer(self):
        """The answer as ``save_response`` takes it (after ``is_valid()``)."""
        raise NotImplementedError

    def chosen_certainty(self):
        return self.cleaned_data.get("certainty")

    def answer_fields(self):
        """The bound fields of the answer itself (not the certainty), in order."""
        return [self[name] for name in self.fields if name != "certainty"]


class ChoiceAnswerForm(AnswerForm):
    """Single answer, true or false, which kind of statement: one option."""

    def add_answer_fields(self):
        self.fields["answer"] = forms.TypedChoiceField(
            label=_("Your answer"),
            choices=[(row.pk, row.label) for row in self.slot.items()],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose an option."), "invalid_choice": NOT_AN_OPTION},
        )

    def clean(self):
        cleaned = super().clean()
        if hasattr(self.data, "getlist") and len(self.data.getlist("answer")) > 1:
            raise forms.ValidationError(_("Choose only one option."))
        return cleaned

    def initial_answer(self, response):
        chosen = [choice.item_id for choice in response.chosen()]
        return {"answer": chosen[0]} if chosen else {}

    def answer(self):
        return [self.cleaned_data["answer"]]


class MultipleAnswerForm(AnswerForm):
    """Multiple answers: every option the student thinks right."""

    def add_answer_fields(self):
        self.fields["answer"] = forms.TypedMultipleChoiceField(
            label=_("Your answer"),
            choices=[(row.pk, row.label) for row in self.slot.items()],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Choose at least one option."), "invalid_choice": NOT_AN_OPTION},
        )

    def initial_answer(self, response):
        return {"answer": [choice.item_id for choice in response.chosen()]}

    def answer(self):
        return list(self.cleaned_data["answer"])


class OrderingAnswerForm(AnswerForm):
    """Put in order: each item's place, 1 to n, every place once."""

    def add_answer_fields(self):
        self.items = self.slot.items()
        places = [(place, place) for place in range(1, len(self.items) + 1)]
        for row in self.items:
            self.fields[f"place-{row.pk}"] = forms.TypedChoiceField(
                label=row.label,
                choices=places,
                coerce=int,
                initial=row.position,
                error_messages={
                    "required": _("Give every item its place."),
                    "invalid_choice": _("A place is a number from 1 to %(count)s.") % {"count": len(self.items)},
                },
            )

    def initial_answer(self, response):
        return {f"place-{choice.item_id}": choice.position for choice in response.chosen()}

    def clean(self):
        cleaned = super().clean()
        places = [cleaned.get(f"place-{row.pk}") for row in self.items]
        if None not in places:
            repeated = sorted({place for place in places if places.count(place) > 1})
            if repeated:
                raise forms.ValidationError(
                    ngettext(
                        "Give each item its own place: place %(places)s is given more than once.",
                        "Give each item its own place: places %(places)s are given more than once.",
                        len(repeated),
                    )
                    % {"places": ", ".join(str(place) for place in repeated)}
                )
        return cleaned

    def answer(self):
        return [row.pk for row in sorted(self.items, key=lambda row: self.cleaned_data[f"place-{row.pk}"])]


class MatchingAnswerForm(AnswerForm):
    """Matching: for each item, one of the answers (or none yet)."""

    def add_answer_fields(self):
        self.items = self.slot.items()
        choices = [("", _("Choose…"))] + [(row.pk, row.label) for row in self.slot.match_choices()]
        for row in self.items:
            self.fields[f"match-{row.pk}"] = forms.TypedChoiceField(
                label=row.label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": _("That answer is not one of this question's answers.")},
            )

    def initial_answer(self, response):
        return {f"match-{choice.item_id}": choice.match_id for choice in response.chosen()}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(cleaned.get(f"match-{row.pk}") is None for row in self.items):
            raise forms.ValidationError(_("Match at least one item to an answer."))
        return cleaned

    def answer(self):
        return {row.pk: self.cleaned_data[f"match-{row.pk}"] for row in self.items}


class TypedAnswerForm(AnswerForm):
    """Numeric and short answer: the text typed (a number may carry its unit)."""

    def add_answer_fields(self):
        numeric = self.slot.question.qtype == QuestionType.NUMERIC
        self.fields["answer"] = forms.CharField(
            label=_("Your answer"),
            max_length=500,
            help_text=_("A number, for example 1,486 or 2.5 million.") if numeric else "",
            error_messages={"required": _("Type your answer.")},
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )

    def initial_answer(self, response):
        return {"answer": response.text}

    def answer(self):
        return self.cleaned_data["answer"]


FORMS = {
    QuestionType.SINGLE: ChoiceAnswerForm,
    QuestionType.TRUE_FALSE: ChoiceAnswerForm,
    QuestionType.STATEMENT_KIND: ChoiceAnswerForm,
    QuestionType.MULTIPLE: MultipleAnswerForm,
    QuestionType.ORDERING: OrderingAnswerForm,
    QuestionType.MATCHING: MatchingAnswerForm,
    QuestionType.NUMERIC: TypedAnswerForm,
    QuestionType.SHORT_ANSWER: TypedAnswerForm,
}


def answer_form(slot, quiz=None, data=None, **kwargs):
    """The answer form for ``slot`` (an attempt's, with prefetched options and response, or a study
    card, without a quiz), bound to ``data`` when given."""
    return FORMS[slot.question.qtype](data, slot=slot, quiz=quiz, **kwargs)


class FlagForm(forms.Form):
    """Mark a question to come back to (1), or take the mark off (0)."""

    flagged = forms.TypedChoiceField(
        choices=[("1", _("Flag")), ("0", _("Remove the flag"))],
        coerce=lambda value: value == "1",
        error_messages={
            "required": _("Say whether to flag the question (1) or not (0)."),
            "invalid_choice": _("Say whether to flag the question (1) or not (0)."),
        },
    )


# -- study ------------------------------------------------------------------------------------------------


class StudyCardForm(forms.Form):
    """Which card a study request is about, as it was shown: the question, the version and the deck."""

    question = forms.IntegerField(
        min_value=1,
        error_messages={"required": _("Say which card this is."), "invalid": _("A card is named by a whole number.")},
        widget=forms.HiddenInput,
    )
    version = forms.IntegerField(
        min_value=0,
        error_messages={
            "required": _("Say which version of the card was shown."),
            "invalid": _("A card's version is a whole number."),
        },
        widget=forms.HiddenInput,
    )
    deck = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)


class StudyRatingForm(StudyCardForm):
    """A rating of a card shown: Again (1) to Easy (4), once per ``request_key``."""

    rating = forms.TypedChoiceField(
        choices=[(1, _("Again")), (2, _("Hard")), (3, _("Good")), (4, _("Easy"))],
        coerce=int,
        error_messages={
            "required": _("Rate the card: Again, Hard, Good or Easy."),
            "invalid_choice": _("A rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."),
        },
    )
    request_key = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{8,64}$",
        error_messages={
            "required": _("The rating has no request key: load the card again."),
            "invalid": _("The rating's request key is not one this site makes: load the card again."),
        },
        widget=forms.HiddenInput,
    )
    shown_at = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    # A card looked at for longer than this is counted as this long (the student left the page).
    LONGEST_LOOK_MS = 60 * 60 * 1000

    def duration_ms(self, now):
        """How long the card was on screen, from when the server showed it; None when unknown."""
        shown_at = self.cleaned_data.get("shown_at")
        if shown_at is None:
            return None
        return max(0, min(int(now.timestamp() * 1000) - shown_at, self.LONGEST_LOOK_MS))


class SuspendForm(forms.Form):
    """Suspend a card (1) or unsuspend it (0)."""

    suspended = forms.TypedChoiceField(
        choices=[("1", _("Suspend")), ("0", _("Unsuspend"))],
        coerce=lambda value: value == "1",
        error_messages={
            "required": _("Say whether to suspend the card (1) or not (0)."),
            "invalid_choice": _("Say whether to suspend the card (1) or not (0)."),
        },
    )
    deck = forms.CharField(max_length=200, required=False)
    back_to = forms.ChoiceField(choices=[("session", "session"), ("leeches", "leeches")], required=False)


# -- study settings ---------------------------------------------------------------------------------


def _step_limit():
    """The longest step a StudyStep row takes, in minutes (its field's own maximum)."""
    field = StudyStep._meta.get_field("minutes")
    return min(validator.limit_value for validator in field.validators if isinstance(validator, MaxValueValidator))


@functools.cache
def time_zone_choices():
    return [(zone, zone) for zone in ["UTC", *sorted(zone for zone in available_timezones() if zone != "UTC")]]


class StudySettingsForm(forms.ModelForm):
    """A student's study settings, the page's and the API's (``PUT /api/v1/study/settings/``) one check.

    The steps are written as in Anki (``quizzes.steps``: "1m 10m", "1 10", "1h 1d") and cleaned into
    tuples of minutes; the retention's range and the time zone are the model's rules (its validators
    and ``clean``). Saving is ``actions.update_study_settings``, with ``cleaned_data``.
    """

    learning_steps = forms.CharField(
        label=_("Learning steps"),
        required=False,
        max_length=200,
        help_text=_(
            "When a new card comes back while you learn it, as in Anki: “1m 10m” is after 1 minute, then after "
            "10 minutes. Write minutes (“10” or “10m”), hours (“1h”) or days (“1d”); leave empty for none."
        ),
    )
    relearning_steps = forms.CharField(
        label=_("Relearning steps"),
        required=False,
        max_length=200,
        help_text=_("The same for a card you forgot: “10m” shows it again after 10 minutes."),
    )

    class Meta:
        model = StudySettings
        fields = [
            "desired_retention",
            "new_cards_per_day",
            "max_reviews_per_day",
            "learning_steps",
            "relearning_steps",
            "time_zone",
            "day_starts_at",
            "spread_due_dates",
        ]
        widgets = {
            "desired_retention": forms.NumberInput(attrs={"step": "0.01", "min": "0.70", "max": "0.97"}),
            "time_zone": forms.Select(choices=time_zone_choices),
        }
        help_texts = {
            "new_cards_per_day": _("How many cards you have never studied come each day (Anki's default: 20)."),
            "max_reviews_per_day": _("Reviews stop for the day once you have done this many (Anki's default: 200)."),
            "time_zone": _("Your study day begins in this time zone."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for name, kind in (("learning_steps", StepKind.LEARNING), ("relearning_steps", StepKind.RELEARNING)):
                self.initial[name] = format_steps(self.instance.step_minutes(kind))

    def _clean_steps(self, name):
        try:
            return parse_steps(self.cleaned_data[name], maximum=_step_limit())
        except StepsError as error:
            raise forms.ValidationError(error.message, code="invalid_steps") from None

    def clean_learning_steps(self):
        return self._clean_steps("learning_steps")

    def clean_relearning_steps(self):
        return self._clean_steps("relearning_steps")


# -- classes ------------------------------------------------------------------------------------------


class CohortForm(forms.ModelForm):
    """A class's name, description and term (creating it is ``actions.create_cohort``)."""

    class Meta:
        model = Cohort
        fields = ("name", "description", "term")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Class code"),
        max_length=20,
        help_text=_("The six letters and digits your trainer gave you; capitals or not, spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalize_join_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type the class code."), code="required")
        return code


class CoTrainerForm(forms.Form):
    username = forms.CharField(
        label=_("Trainer's username"),
        max_length=150,
        help_text=_("They will see and manage this class as you do."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


# An uploaded list: a small text file.
MAX_LIST_BYTES = 100_000


class StudentListForm(forms.Form):
    """A list of names, pasted or uploaded (.txt or .csv); ``names()`` reads it (``parse_student_names``)."""

    names = forms.CharField(
        label=_("Names, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("For instance “Aïssata Traoré”. Each name gets an account with a one-time password."),
    )
    file = forms.FileField(
        label=_("Or upload a list (.txt or .csv)"),
        required=False,
        help_text=_("A text file with one name per line, or a CSV file with the names in its first column."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,text/plain,text/csv"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload, pasted = cleaned.get("file"), cleaned.get("names", "")
        if self.errors:
            return cleaned
        if upload is not None:
            suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if suffix not in ("txt", "csv"):
                self.add_error("file", _("Upload a .txt or a .csv file."))
                return cleaned
            if upload.size > MAX_LIST_BYTES:
                self.add_error("file", _("The file is larger than 100 KB: is it a list of names?"))
                return cleaned
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", _("The file is not UTF-8 text: save it as “CSV UTF-8” or plain text."))
                return cleaned
            source, is_csv = "file", suffix == "csv"
        elif pasted.strip():
            source, text, is_csv = "names", pasted, False
        else:
            raise forms.ValidationError(_("Write some names, or upload a list."), code="required")
        try:
            cleaned["parsed_names"] = parse_student_names(text, is_csv=is_csv)
        except NameListError as error:
            self.add_error(source, str(error))
        return cleaned


# -- assignments --------------------------------------------------------------------------------------
#
# The forms read the input only; whether it makes an assignment (due after opening, a published quiz,
# sections of the current briefing, students of the class) is ``actions.assign``'s to say.


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _minutes(cleaned):
    return None if cleaned is None else datetime.timedelta(minutes=cleaned)


def study_goal_decks():
    """The decks a study goal may name, as (value, label): the whole briefing, each topic, section and country."""
    from briefings.models import Briefing, Country, Section, SectionKind

    from .models import Topic

    choices = [("all", _("The whole briefing"))]
    choices += [(f"topic:{value}", _("Topic: %(name)s") % {"name": label}) for value, label in Topic.choices]
    sections = Section.objects.filter(briefing=Briefing.objects.current(), kind=SectionKind.BODY).order_by("number")
    choices += [(f"section:{section.slug}", _("Section: %(name)s") % {"name": section.title}) for section in sections]
    countries = Country.objects.published().order_by("name")
    choices += [(f"country:{country.slug}", _("Country: %(name)s") % {"name": country.name}) for country in countries]
    return choices


class StudentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class AssignmentForm(forms.Form):
    """An assignment's fields for one kind (``kind``), its students among ``cohort``'s."""

    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opens_at = forms.DateTimeField(
        label=_("Opens"), required=False, widget=DateTimeLocalInput(), help_text=_("Empty: open at once.")
    )
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeLocalInput())

    def __init__(self, *args, kind, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        from briefings.models import Briefing, Section, SectionKind

        from .models import AssignmentKind, Quiz

        self.kind = kind
        if kind == AssignmentKind.QUIZ:
            self.fields["quiz"] = forms.ModelChoiceField(
                label=_("Quiz"), queryset=Quiz.objects.published().order_by("title", "pk"), to_field_name="slug"
            )
            self.fields["attempts_allowed"] = forms.IntegerField(
                label=_("Attempts allowed"),
                required=False,
                min_value=0,
                max_value=100,
                help_text=_("Empty: the quiz's own; 0 for unlimited."),
            )
            self.fields["time_limit"] = forms.IntegerField(
                label=_("Time limit (minutes)"),
                required=False,
                min_value=1,
                max_value=24 * 60,
                help_text=_("Empty: the quiz's own."),
            )
        elif kind == AssignmentKind.READING:
            self.fields["sections"] = forms.ModelMultipleChoiceField(
                label=_("Sections to read"),
                queryset=Section.objects.filter(briefing=Briefing.objects.current(), kind=SectionKind.BODY).order_by(
                    "number"
                ),
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            self.fields["deck"] = forms.ChoiceField(label=_("Deck"), choices=study_goal_decks())
            self.fields["target_recall"] = forms.IntegerField(
                label=_("Target predicted recall (%)"),
                min_value=1,
                max_value=100,
                initial=90,
                help_text=_("The mean recall of the deck's cards the app predicts at the due date, from 1 to 100."),
            )
        self.fields["students"] = StudentChoiceField(
            label=_("Students"),
            queryset=cohort.students.order_by("first_name", "username"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("None ticked: the whole class."),
        )

    def action_values(self):
        """The cleaned data as ``actions.assign`` takes them."""
        from decimal import Decimal

        data = dict(self.cleaned_data)
        if "time_limit" in data:
            data["time_limit"] = _minutes(data["time_limit"])
        if "target_recall" in data and data["target_recall"] is not None:
            data["target_recall"] = Decimal(data["target_recall"]) / 100
        return data


class OverrideForm(forms.Form):
    """One student's extension (``actions.grant_override`` checks it makes one)."""

    due_at = forms.DateTimeField(label=_("New due date"), required=False, widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label=_("Quiz closes for them"), required=False, widget=DateTimeLocalInput())
    extra_attempts = forms.IntegerField(label=_("Extra attempts"), required=False, min_value=0, max_value=20)
    time_limit = forms.IntegerField(label=_("Time limit (minutes)"), required=False, min_value=1, max_value=24 * 60)

    def action_values(self):
        data = dict(self.cleaned_data)
        data["time_limit"] = _minutes(data["time_limit"])
        data["extra_attempts"] = data["extra_attempts"] or 0
        return data


# -- the class gradebook (issue 10) ---------------------------------------------------------------------


class GradebookForm(forms.Form):
    """The gradebook's sort, direction, status filter, name search and page, read from a GET query (page,
    CSV export and API alike); a value it does not offer is an error (400)."""

    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    direction = forms.ChoiceField(
        label=_("Order"), choices=[("asc", _("Ascending")), ("desc", _("Descending"))], required=False
    )
    status = forms.ChoiceField(label=_("Show"), required=False)
    q = forms.CharField(label=_("Name or username"), required=False, max_length=100, strip=True)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)

    def __init__(self, data=None, *, assignments, **kwargs):
        from .gradebook import SORT_NAME, SORT_OVERALL, SORT_USERNAME, STATUS_FILTERS, assignment_sort

        super().__init__(data, **kwargs)
        self.fields["sort"].choices = [
            (SORT_NAME, _("Name")),
            (SORT_USERNAME, _("Username")),
            (SORT_OVERALL, _("Overall")),
            *((assignment_sort(assignment), assignment.title) for assignment in assignments),
        ]
        self.fields["status"].choices = [("", _("Every student")), *STATUS_FILTERS]

    def options(self):
        """The keyword arguments of ``Gradebook.of`` (without the page) from the valid form."""
        from .gradebook import SORT_NAME

        data = self.cleaned_data
        return {
            "sort": data["sort"] or SORT_NAME,
            "descending": data["direction"] == "desc",
            "status": data["status"],
            "search": data["q"],
        }
