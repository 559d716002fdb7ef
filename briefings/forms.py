"""Forms that check the query strings of the student pages; the filtering itself lives on the QuerySets."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Actor, Country

MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_QUERY_LENGTH = 200


class SlugChoiceField(forms.ModelChoiceField):
    """A choice of published item, named in the URL by its slug."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", required=False, **kwargs)

    def label_from_instance(self, obj):
        return getattr(obj, "short_name", "") or obj.name


def _year_field(label, *, invalid, too_early, too_late):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": _("any")}),
        error_messages={"invalid": invalid, "min_value": too_early, "max_value": too_late},
    )


class TimelineFilterForm(forms.Form):
    country = SlugChoiceField(
        Country.objects.published().order_by("name"),
        label=_("Country"),
        empty_label=_("All countries"),
        error_messages={
            "invalid_choice": _("There is no country “%(value)s” in the timeline. Choose one from the list.")
        },
    )
    actor = SlugChoiceField(
        Actor.objects.published().order_by("name"),
        label=_("Actor"),
        empty_label=_("All actors"),
        error_messages={
            "invalid_choice": _("There is no actor “%(value)s” in the timeline. Choose one from the list.")
        },
    )
    year_from = _year_field(
        _("From year"),
        invalid=_("“From year” must be a year written in digits, such as 2014."),
        too_early=_("“From year” must be %(limit_value)s or later."),
        too_late=_("“From year” must be %(limit_value)s or earlier."),
    )
    year_to = _year_field(
        _("To year"),
        invalid=_("“To year” must be a year written in digits, such as 2022."),
        too_early=_("“To year” must be %(limit_value)s or later."),
        too_late=_("“To year” must be %(limit_value)s or earlier."),
    )

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            raise forms.ValidationError(
                _("The “from” year (%(start)s) must not be after the “to” year (%(end)s)."),
                params={"start": year_from, "end": year_to},
                code="year_order",
            )
        return cleaned


class TextQueryForm(forms.Form):
    """One free-text query ``q``, for the FAQ filter and the search page (the template renders the live input)."""

    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        error_messages={"max_length": _("Keep the search to %(limit_value)s characters or fewer.")},
    )

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = label
