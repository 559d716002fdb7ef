"""Query-string filters of the read API (django-filter FilterSets).

A value of the wrong type or outside its choices is refused with a 400 naming the parameter. A
well-formed slug that names nothing simply matches nothing. Filters by a related item's slug only
see published related items, unless a staff editor reads drafts (``?status=draft``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from .models import (
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
    Status,
    TimelineEvent,
)

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
FIRST_YEAR = 1
LAST_YEAR = 9999


def showing_drafts(request):
    """True when a staff editor asked for drafts with ``?status=draft``."""
    return (
        request is not None
        and request.query_params.get("status") == Status.DRAFT
        and request.user.is_authenticated
        and request.user.is_staff
    )


class RelatedSlugFilter(filters.CharFilter):
    """Items linked to the related item with this slug (``field_name`` is the relation)."""

    field_class = forms.SlugField

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        lookups = {f"{self.field_name}__slug": value}
        if not showing_drafts(self.parent.request):
            lookups[f"{self.field_name}__status"] = Status.PUBLISHED
        return qs.filter(**lookups)


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


def _kind_filter():
    return filters.ChoiceFilter(
        choices=StatementKind.choices,
        label=_("Kind of statement: reported fact, the author's analysis, or an attributed claim."),
    )


def _slug_filter(field_name, description):
    schema = {"type": "string", "pattern": SLUG_PATTERN, "description": description}
    return extend_schema_field(schema)(RelatedSlugFilter(field_name=field_name))


def _country_filter(field_name):
    return _slug_filter(field_name, _("Slug of a country; an unknown slug matches nothing."))


def _actor_filter(field_name):
    return _slug_filter(field_name, _("Slug of an actor; an unknown slug matches nothing."))


def _year_filter(description):
    schema = {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR, "description": description}
    return extend_schema_field(schema)(YearFilter(method="filter_years"))


class FilterForm(forms.Form):
    """Refuses a filter given with an empty value (``?country=``): leave the parameter out instead."""

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if name in self.data and not self.data[name].strip():
                self.add_error(name, _("Give a value, or leave the parameter out."))
        return cleaned


class ContentFilterSet(filters.FilterSet):
    class Meta:
        form = FilterForm


class YearRangeForm(FilterForm):
    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error(
                "year_to",
                _("year_to (%(year_to)s) must not be before year_from (%(year_from)s).")
                % {"year_to": year_to, "year_from": year_from},
            )
        return cleaned


class SectionFilter(ContentFilterSet):
    kind = filters.ChoiceFilter(choices=SectionKind.choices, label=_("Kind of section."))

    class Meta(ContentFilterSet.Meta):
        model = Section
        fields = ["kind"]


class CountryFilter(ContentFilterSet):
    kind = _kind_filter()

    class Meta(ContentFilterSet.Meta):
        model = Country
        fields = ["kind"]


class ActorFilter(ContentFilterSet):
    actor_type = filters.ChoiceFilter(choices=ActorType.choices, label=_("Type of actor."))
    country = _country_filter("countries")
    kind = _kind_filter()

    class Meta(ContentFilterSet.Meta):
        model = Actor
        fields = ["actor_type", "country", "kind"]


class LeaderFilter(ContentFilterSet):
    country = _country_filter("country")
    role = filters.ChoiceFilter(choices=LeaderRole.choices, label=_("Head of state, or a related figure."))
    kind = _kind_filter()

    class Meta(ContentFilterSet.Meta):
        model = Leader
        fields = ["country", "role", "kind"]


class TimelineEventFilter(ContentFilterSet):
    country = _country_filter("countries")
    actor = _actor_filter("actors")
    year_from = _year_filter(_("Events that end in or after this year (a span counts for every year it covers)."))
    year_to = _year_filter(_("Events that start in or before this year; must not be before year_from."))
    kind = _kind_filter()

    class Meta(ContentFilterSet.Meta):
        model = TimelineEvent
        fields = ["country", "actor", "year_from", "year_to", "kind"]
        form = YearRangeForm

    def filter_years(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.in_years(**{name: value})


class KeyFigureFilter(ContentFilterSet):
    country = _country_filter("country")
    actor = _actor_filter("actor")
    kind = _kind_filter()

    class Meta(ContentFilterSet.Meta):
        model = KeyFigure
        fields = ["country", "actor", "kind"]


class ConceptFilter(ContentFilterSet):
    kind = _kind_filter()

    class Meta(ContentFilterSet.Meta):
        model = Concept
        fields = ["kind"]


class FaqEntryFilter(ContentFilterSet):
    kind = _kind_filter()

    class Meta(ContentFilterSet.Meta):
        model = FaqEntry
        fields = ["kind"]


class SourceReferenceFilter(ContentFilterSet):
    kind = _kind_filter()

    class Meta(ContentFilterSet.Meta):
        model = SourceReference
        fields = ["kind"]
