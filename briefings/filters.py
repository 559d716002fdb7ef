"""Query-string filters of the lists, for the API and the pages alike (django-filter FilterSets).

The timeline page renders ``TimelineEventFilter().form`` and the API filters with the same class, so
both accept and refuse the same input with the same message. A value of the wrong type, outside its
choices, or naming no visible country or actor is refused with a 400 naming the parameter; so is a
parameter that the list does not know. An empty value (``?country=``, what an HTML form sends for
"All countries") is the same as leaving the parameter out. Related items are those the request may
see (``visible()``): a draft country is unknown to students.
"""

from django import forms
from django.core import validators
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from .forms import KnownParametersForm
from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    Actor,
    ActorType,
    Concept,
    Country,
    FaqEntry,
    KeyFigure,
    Leader,
    LeaderRole,
    Section,
    SectionKind,
    SourceReference,
    StatementKind,
    TimelineEvent,
    shows_drafts,
)

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


class FilterForm(KnownParametersForm):
    """The form of every FilterSet: a parameter the list does not know is a 400 naming it."""


class YearRangeForm(FilterForm):
    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error(
                "year_to",
                _("The “from” year (%(start)s) must not be after the “to” year (%(end)s).")
                % {"start": year_from, "end": year_to},
            )
        return cleaned


def _visible_choices(model):
    def choices(request):
        return model.objects.visible(shows_drafts(request)).order_by("name")

    return choices


class ReadOnceChoiceIterator(forms.models.ModelChoiceIterator):
    """The field's choices from the items it has read once (``SlugChoiceField.items``), not a query per use."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.items:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.items) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.items)


class SlugChoiceField(forms.ModelChoiceField):
    """A choice of visible item, named in the URL by its slug, labelled by its shown name.

    The choices are few (the countries, the actors), and a page that validates a value also lists
    them in its select: they are read once per form (``items``), and a value is looked up among them,
    so validating and rendering cost one query, not one each.
    """

    iterator = ReadOnceChoiceIterator

    # How much of a refused value the message repeats: enough to recognise it, never a page of it.
    SHOWN_LENGTH = 40

    @cached_property
    def items(self):
        return list(self.queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.__dict__.pop("items", None)  # each form reads its own
        return result

    def to_python(self, value):
        if value in self.empty_values:
            return super().to_python(value)
        refused = forms.ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": Truncator(str(value)).chars(self.SHOWN_LENGTH)},
        )
        # Not a slug (spaces, slashes, a NUL character): no item has it; don't ask the database.
        if not validators.slug_re.fullmatch(str(value)):
            raise refused
        found = next((obj for obj in self.items if getattr(obj, self.to_field_name) == value), None)
        if found is None:
            raise refused
        return found

    def label_from_instance(self, obj):
        return getattr(obj, "short_name", "") or obj.name


class SlugChoiceFilter(filters.ModelChoiceFilter):
    field_class = SlugChoiceField


def _timeline_choices(model):
    """The countries or actors that some visible event is about, as the reader sees them: no choice finds nothing."""

    def choices(request):
        drafts = shows_drafts(request)
        visible = model.objects.visible(drafts).in_timeline(drafts)
        return visible.by_shown_name() if model is Actor else visible.order_by("name")

    return choices


def _related_filter(model, field_name, *, label, empty_label, invalid, description, method=None, queryset=None):
    schema = {"type": "string", "pattern": SLUG_PATTERN, "description": description}
    return extend_schema_field(schema)(
        SlugChoiceFilter(
            field_name=field_name,
            queryset=queryset or _visible_choices(model),
            to_field_name="slug",
            method=method,
            label=label,
            empty_label=empty_label,
            error_messages={"invalid_choice": invalid},
        )
    )


def country_filter(field_name, method=None):
    return _related_filter(
        Country,
        field_name,
        label=_("Country"),
        empty_label=_("All countries"),
        invalid=_("There is no country “%(value)s”."),
        description=_("Slug of a country; one that names no country is a 400."),
        method=method,
    )


def actor_filter(field_name, method=None):
    return _related_filter(
        Actor,
        field_name,
        label=_("Actor"),
        empty_label=_("All actors"),
        invalid=_("There is no actor “%(value)s”."),
        description=_("Slug of an actor; one that names no actor is a 400."),
        method=method,
    )


class YearFilter(filters.NumberFilter):
    """A year within FIRST_YEAR..LAST_YEAR, the bounds of every year field (``YEAR_VALIDATORS``)."""

    field_class = forms.IntegerField


def year_filter(*, label, description, invalid, too_early, too_late):
    schema = {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR, "description": description}
    return extend_schema_field(schema)(
        YearFilter(
            method="filter_years",
            label=label,
            min_value=FIRST_YEAR,
            max_value=LAST_YEAR,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": _("any")}),
            error_messages={"invalid": invalid, "min_value": too_early, "max_value": too_late},
        )
    )


class ContentFilterSet(filters.FilterSet):
    class Meta:
        form = FilterForm


class DerivedItemFilterSet(ContentFilterSet):
    """Every derived item has a kind of statement."""

    kind = filters.ChoiceFilter(
        choices=StatementKind.choices,
        label=_("Kind of statement: reported fact, the author's analysis, or an attributed claim."),
    )


class SectionFilter(ContentFilterSet):
    kind = filters.ChoiceFilter(choices=SectionKind.choices, label=_("Kind of section."))

    class Meta(ContentFilterSet.Meta):
        model = Section
        fields = ["kind"]


class CountryFilter(DerivedItemFilterSet):
    class Meta(ContentFilterSet.Meta):
        model = Country
        fields = ["kind"]


class ActorFilter(DerivedItemFilterSet):
    actor_type = filters.ChoiceFilter(choices=ActorType.choices, label=_("Type of actor."))
    country = country_filter("countries")

    class Meta(ContentFilterSet.Meta):
        model = Actor
        fields = ["actor_type", "country", "kind"]


class LeaderFilter(DerivedItemFilterSet):
    country = country_filter("country")
    role = filters.ChoiceFilter(choices=LeaderRole.choices, label=_("Head of state, or a related figure."))

    class Meta(ContentFilterSet.Meta):
        model = Leader
        fields = ["country", "role", "kind"]


class TimelineEventFilter(DerivedItemFilterSet):
    """The timeline's filters; matching itself is ``TimelineEventQuerySet``'s (``about``, ``involving``, ``in_years``)."""

    country = _related_filter(
        Country,
        "countries",
        label=_("Country"),
        empty_label=_("All countries"),
        invalid=_("No event in the timeline is about a country “%(value)s”."),
        description=_("Slug of a country that an event is about; any other is a 400."),
        method="filter_country",
        queryset=_timeline_choices(Country),
    )
    actor = _related_filter(
        Actor,
        "actors",
        label=_("Actor"),
        empty_label=_("All actors"),
        invalid=_("No event in the timeline involves an actor “%(value)s”."),
        description=_(
            "Slug of an actor that an event involves, itself or through a group within it "
            "(russia also finds Wagner's events); any other is a 400."
        ),
        method="filter_actor",
        queryset=_timeline_choices(Actor),
    )
    year_from = year_filter(
        label=_("From year"),
        description=_("Events that end in or after this year (a span counts for every year it covers)."),
        invalid=_("“From year” must be a year written in digits, such as 2014."),
        too_early=_("“From year” must be %(limit_value)s or later."),
        too_late=_("“From year” must be %(limit_value)s or earlier."),
    )
    year_to = year_filter(
        label=_("To year"),
        description=_("Events that start in or before this year; must not be before year_from."),
        invalid=_("“To year” must be a year written in digits, such as 2022."),
        too_early=_("“To year” must be %(limit_value)s or later."),
        too_late=_("“To year” must be %(limit_value)s or earlier."),
    )

    class Meta(ContentFilterSet.Meta):
        model = TimelineEvent
        fields = ["country", "actor", "year_from", "year_to", "kind"]
        form = YearRangeForm

    def filter_country(self, queryset, name, value):
        return queryset.about(value)

    def filter_actor(self, queryset, name, value):
        return queryset.involving(value)

    def filter_years(self, queryset, name, value):
        return queryset.in_years(**{name: value})


class KeyFigureFilter(DerivedItemFilterSet):
    country = country_filter("country")
    actor = actor_filter("actor")

    class Meta(ContentFilterSet.Meta):
        model = KeyFigure
        fields = ["country", "actor", "kind"]


class ConceptFilter(DerivedItemFilterSet):
    class Meta(ContentFilterSet.Meta):
        model = Concept
        fields = ["kind"]


class FaqEntryFilter(DerivedItemFilterSet):
    class Meta(ContentFilterSet.Meta):
        model = FaqEntry
        fields = ["kind"]


class SourceReferenceFilter(DerivedItemFilterSet):
    class Meta(ContentFilterSet.Meta):
        model = SourceReference
        fields = ["kind"]
