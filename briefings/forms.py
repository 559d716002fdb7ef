"""Forms that check free-text queries of the student pages (the lists' filters are ``filters.py``'s FilterSets)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sahel_learn.api import PAGING_PARAMETERS

# The longest free-text query, on the pages and in the API.
MAX_QUERY_LENGTH = 200
# Besides its own fields, every list understands these (``status``: see ``models.shows_drafts``).
OTHER_PARAMETERS = (*PAGING_PARAMETERS, "status")


class KnownParametersForm(forms.Form):
    """A query-string form that refuses a parameter it does not know, naming it (a 400, not a silent no-op)."""

    def clean(self):
        cleaned = super().clean()
        for name in self.data:
            if name not in self.fields and name not in OTHER_PARAMETERS:
                # A ValidationError with its params, not a formatted text: django-filter formats the message
                # with them again, which a "%" in the parameter's name would turn into a 500.
                message = ValidationError(
                    _("There is no filter “%(name)s”. The filters here are: %(known)s."),
                    code="unknown_filter",
                    params={"name": name, "known": ", ".join(sorted(self.fields))},
                )
                self._errors[name] = self.error_class([message])
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


class FaqQueryForm(KnownParametersForm, TextQueryForm):
    """The FAQ's filter: ``q`` and nothing else."""


class SearchForm(TextQueryForm):
    """The search page's query: ``q``, optionally one kind of content (``group``) and its ``page``."""

    group = forms.ChoiceField(
        label=_("Look in"),
        required=False,
        error_messages={
            "invalid_choice": _("There is no kind of content “%(value)s” to search. Choose one from the list.")
        },
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("The page must be a number, such as 2."),
            "min_value": _("The page must be %(limit_value)s or more."),
        },
    )

    def __init__(self, *args, **kwargs):
        from .search import SEARCHABLES

        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("Everything")), *((s.key, s.label) for s in SEARCHABLES)]
