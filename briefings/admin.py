"""The editors' admin: review what the importer proposes, publish, revise, see what a change touches.

Every model keeps its change history (django-simple-history) with revert. Editors' permissions come
from the ``Editors`` group (sahel_learn/accounts/roles.py); the admin only narrows what the importer owns
(slugs, anchors, the article's structure) to read-only.
"""

import re
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import model_ngettext, unquote
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

from quizzes.actions import flag_questions_for_edit
from quizzes.admin import generate_questions_from_items, has_generate_questions_permission

from .models import (
    FIRST_YEAR,
    LAST_YEAR,
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
)

admin.site.site_header = _("Sahel Learn content")
admin.site.site_title = _("Sahel Learn content")


def _admin_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _citation(paragraph):
    """Short citation: "The Wagner Transition ¶2"."""
    return f"{paragraph.section.title} ¶{paragraph.number}"


def _linked_groups(groups, empty_message):
    """``groups`` is a list of (label, items): a heading and a list of admin links per non-empty group."""
    blocks = []
    for label, items in groups:
        if not items:
            continue
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            ((_admin_url(item), str(item), item.get_status_display()) for item in items),
        )
        blocks.append(format_html("<p><strong>{} ({})</strong></p><ul>{}</ul>", label, len(items), rows))
    if not blocks:
        return empty_message
    return format_html_join("", "{}", ((block,) for block in blocks))


def written_number(value):
    """A number as people write it: Decimal("5000.0000") -> "5,000", Decimal("2.5000") -> "2.5"."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():,f}"


class WrittenDecimalField(forms.DecimalField):
    """A decimal shown as written ("5,000", not "5000.0000") and typed with or without thousands commas."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter a number, such as 5000, 5,000 or 2.5.")}
    GROUPED = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def prepare_value(self, value):
        return written_number(value) if isinstance(value, (Decimal, int)) else value

    def to_python(self, value):
        if isinstance(value, str) and self.GROUPED.fullmatch(value.strip()):
            value = value.replace(",", "")
        return super().to_python(value)


class WholeWordsDiffDisplay(ObjDiffDisplay):
    """A long value in a history diff is cut between words, and says so in words, not "[80 chars]"."""

    def shortened_str(self, prefix, num_skipped_chars, suffix):
        head = prefix.rsplit(" ", 1)[0] if " " in prefix else prefix
        tail = suffix.split(" ", 1)[1] if " " in suffix else suffix
        return f"{head} … {tail}"


class HistoryChanges(HistoricalRecordContextHelper):
    """History diffs as the admin's forms show values: numbers as written, empty values and lists in words."""

    def __init__(self, model, historical_record):
        super().__init__(model, historical_record, max_displayed_delta_change_chars=200)

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):
            return ", ".join(map(str, value)) if value else _("(none)")
        if value is None or value == "":
            return _("(empty)")
        if isinstance(value, Decimal):
            return written_number(value)
        field = self.model._meta.get_field(change.field)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    def get_obj_diff_display(self):
        return WholeWordsDiffDisplay(max_length=self.max_displayed_delta_change_chars)


def _contains_nul(query):
    return any("\x00" in part for key, values in query.lists() for part in (key, *values))


def _pk_or_404(field, value):
    """``value`` as ``field``'s Python value, or 404: a history URL with "abc" for an id is not a 500."""
    try:
        return field.to_python(value)
    except ValidationError:
        raise Http404 from None


class BaseAdmin(SimpleHistoryAdmin):
    """History and revert for every model; numbers shown as written; "View on site" for drafts too."""

    object_history_list_template = "admin/history_list.html"
    formfield_overrides = {models.DecimalField: {"form_class": WrittenDecimalField}}

    def view_on_site(self, obj):
        # The item's own page, straight (staff see drafts there with a preview banner), rather than
        # Django's /admin/r/ redirect.
        return obj.get_absolute_url()

    def get_changelist_instance(self, request):
        # PostgreSQL cannot compare text with a NUL character: a filter or search holding one would be a
        # database error (500). Django sends such "wacky" lookups to the unfiltered list.
        if _contains_nul(request.GET):
            raise IncorrectLookupParameters(_("A filter or search contained a NUL character."))
        return super().get_changelist_instance(request)

    def get_search_results(self, request, queryset, search_term):
        # The changelist never gets here with a NUL (see above); the autocomplete of every form does.
        if "\x00" in search_term:
            raise BadRequest(_("A search cannot contain a NUL character."))
        return super().get_search_results(request, queryset, search_term)

    def history_view(self, request, object_id, extra_context=None):
        _pk_or_404(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _pk_or_404(self.model._meta.pk, unquote(object_id))
        _pk_or_404(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryChanges(self.model, historical_record)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None and request.POST.get(CONFIRM_PROPOSALS) != "yes":
            confirmation = self._confirm_publishing_unedited(request, object_id)
            if confirmation is not None:
                return confirmation
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _confirm_publishing_unedited(self, request, object_id):
        """The confirmation page when the editor publishes an unedited proposal and changes nothing else."""
        if request.POST.get("status") != Status.PUBLISHED:
            return None
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not is_unedited_proposal(obj) or not self.has_change_permission(request, obj):
            return None
        form = self.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
        if not form.is_valid() or form.changed_data != ["status"]:
            return None
        hidden = [
            (name, value) for name, values in request.POST.lists() if name != "csrfmiddlewaretoken" for value in values
        ]
        return confirm_publishing_proposals(
            self,
            request,
            [self.get_object(request, unquote(object_id))],
            hidden=hidden,
            back_url=request.get_full_path(),
        )


def _flag_questions(modeladmin, request, obj, form):
    """An editor changed what ``obj`` says: its questions need review (quizzes/actions.py)."""
    count = flag_questions_for_edit(obj=obj, changed_fields=form.changed_data)
    if count:
        message = ngettext(
            "%(count)d question made from it now needs review.",
            "%(count)d questions made from it now need review.",
            count,
        )
        modeladmin.message_user(request, message % {"count": count})


# -- bulk actions --------------------------------------------------------------------------------


# The confirmation page's "yes" (posted back with the editor's own submission).
CONFIRM_PROPOSALS = "confirm_proposals"


def is_unedited_proposal(obj):
    """A draft the importer proposed that no editor has changed since: publishing it asks for a confirmation."""
    return (
        getattr(obj, "origin", None) == Origin.PROPOSED
        and obj.status == Status.DRAFT
        and bool(obj.import_fingerprint)
        and not obj.is_edited_since_import()
    )


def confirm_publishing_proposals(modeladmin, request, proposals, *, hidden, others=0, back_url):
    """The page that asks an editor to confirm publishing ``proposals`` as the importer wrote them.

    ``hidden`` are the (name, value) pairs that post the editor's submission again, with the confirmation.
    """
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Publish unedited proposals?"),
        "opts": opts,
        "app_label": opts.app_label,
        "proposals": proposals,
        "others": others,
        "hidden": [*hidden, (CONFIRM_PROPOSALS, "yes")],
        "back_url": back_url,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/briefings/publish_proposals_confirmation.html", context)


@admin.action(permissions=["change"], description=_("Publish selected"))
def publish_selected(modeladmin, request, queryset):
    if request.POST.get(CONFIRM_PROPOSALS) != "yes":
        selected = list(queryset)
        proposals = [obj for obj in selected if is_unedited_proposal(obj)]
        if proposals:
            hidden = [("action", "publish_selected")]
            hidden += [(helpers.ACTION_CHECKBOX_NAME, str(obj.pk)) for obj in selected]
            return confirm_publishing_proposals(
                modeladmin,
                request,
                proposals,
                hidden=hidden,
                others=len(selected) - len(proposals),
                back_url=request.get_full_path(),
            )
    _set_status(modeladmin, request, queryset, Status.PUBLISHED)


@admin.action(permissions=["change"], description=_("Unpublish selected"))
def unpublish_selected(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, Status.DRAFT)


def _set_status(modeladmin, request, queryset, status):
    queryset = queryset.prefetch_related(None)
    selected = queryset.count()
    changed = queryset.publish() if status == Status.PUBLISHED else queryset.unpublish()
    values = {"count": changed, "items": model_ngettext(modeladmin.opts, changed), "unchanged": selected - changed}
    if status == Status.PUBLISHED:
        message = ngettext(
            "Published %(count)d %(items)s; %(unchanged)d already published.",
            "Published %(count)d %(items)s; %(unchanged)d already published.",
            changed,
        )
    else:
        message = ngettext(
            "Unpublished %(count)d %(items)s; %(unchanged)d already drafts.",
            "Unpublished %(count)d %(items)s; %(unchanged)d already drafts.",
            changed,
        )
    modeladmin.message_user(request, message % values)


# -- the article: briefing, sections, paragraphs --------------------------------------------------


class SectionInline(admin.TabularInline):
    """The briefing's sections, read-only; each links to its own page where paragraphs are corrected."""

    model = Section
    fields = ("number", "title", "kind", "paragraph_count")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paragraph_count=Count("paragraphs"))

    @admin.display(description=_("paragraphs"))
    def paragraph_count(self, obj):
        return obj.paragraph_count

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Briefing)
class BriefingAdmin(BaseAdmin):
    list_display = ("title", "status", "imported_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "slug", "standfirst")
    inlines = [SectionInline]
    actions = [publish_selected, unpublish_selected]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("slug", "full_text", "checksum", "imported_at")

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ("title",)} if obj is None else {}


class CitingCountFilter(admin.SimpleListFilter):
    title = _("cited by content")
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return (("yes", _("Cited")), ("no", _("Not cited")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(citing_count__gt=0)
        if self.value() == "no":
            return queryset.filter(citing_count=0)
        return queryset


class ParagraphInlineForm(forms.ModelForm):
    """A paragraph's row: its text box has no <label> in a tabular inline, so it is named by its paragraph."""

    class Meta:
        model = Paragraph
        fields = ("text",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["text"].widget.attrs["aria-label"] = _("Text of paragraph %(number)s") % {
                "number": self.instance.number
            }


class ParagraphInline(admin.TabularInline):
    """Paragraphs of a section: editors read and correct the text; number and anchor stay fixed."""

    model = Paragraph
    form = ParagraphInlineForm
    fields = ("number", "anchor", "text", "citing_count")
    readonly_fields = ("number", "anchor", "citing_count")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).with_citing_count()

    @admin.display(description=_("cited by"))
    def citing_count(self, obj):
        return ngettext("%(count)d item", "%(count)d items", obj.citing_count) % {"count": obj.citing_count}

    def has_add_permission(self, request, obj=None):
        # Paragraphs come from the importer, which gives them their number and stable anchor.
        return False


@admin.register(Section)
class SectionAdmin(BaseAdmin):
    list_display = ("number", "title", "kind", "briefing", "paragraph_count")
    list_display_links = ("number", "title")
    list_filter = ("kind", "briefing")
    list_select_related = ("briefing",)
    search_fields = ("title", "slug")
    inlines = [ParagraphInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paragraph_count=Count("paragraphs"))

    @admin.display(description=_("paragraphs"), ordering="paragraph_count")
    def paragraph_count(self, obj):
        return obj.paragraph_count

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("briefing", "number", "slug")

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ("title",)} if obj is None else {}

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for paragraph_form in formset.forms:
            if paragraph_form.instance.pk is not None and paragraph_form.has_changed():
                _flag_questions(self, request, paragraph_form.instance, paragraph_form)


@admin.register(Paragraph)
class ParagraphAdmin(BaseAdmin):
    list_display = ("citation", "anchor", "excerpt", "citing_count")
    list_filter = (CitingCountFilter, "section")
    list_select_related = ("section",)
    # In the article's order (Paragraph has no default ordering, so that citation prefetches need no join).
    ordering = ("section__briefing_id", "section__number", "number")
    search_fields = ("text", "anchor", "section__title")

    def get_queryset(self, request):
        # Autocomplete (citations on every derived item) labels paragraphs with their section title.
        return super().get_queryset(request).select_related("section").with_citing_count()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("section", "number", "anchor", "reader_link", "reimport", "cited_by")

    @admin.display(description=_("re-import"))
    def reimport(self, obj):
        if obj.is_corrected_since_import():
            return _("Corrected by an editor: a re-import of a changed article keeps this text.")
        return _("As imported: a re-import of a changed article may update it.")

    @admin.display(description=_("citation"), ordering="section__number")
    def citation(self, obj):
        return _citation(obj)

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return obj.excerpt

    @admin.display(description=_("cited by"), ordering="citing_count")
    def citing_count(self, obj):
        return obj.citing_count

    @admin.display(description=_("on the site"))
    def reader_link(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("what cites this paragraph"))
    def cited_by(self, obj):
        groups = [(capfirst(model._meta.verbose_name_plural), items) for model, items in obj.citing_items()]
        return _linked_groups(groups, _("Nothing cites this paragraph."))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            _flag_questions(self, request, obj, form)


# -- everything derived from the article ---------------------------------------------------------


class DerivedAdmin(BaseAdmin):
    """Shared by every derived item: status, kind, origin, citations beside the item, import state."""

    list_display = ("__str__", "status", "kind", "origin", "cited", "edited_since_import")
    list_filter = ("status", "kind", "origin")
    actions = [publish_selected, unpublish_selected, generate_questions_from_items]
    autocomplete_fields = ("citations",)
    readonly_fields = ("origin", "import_state", "cited_paragraphs")
    # The derived item's own fields go first; these close the form.
    source_fields = ("citations", "cited_paragraphs")
    referring_fields = ()
    import_fields = ("origin", "import_state")
    # Fields that spell the slug on the add form.
    slug_from = ()

    def get_queryset(self, request):
        return super().get_queryset(request).with_citations().prefetch_related(*self.model.fingerprint_relations)

    def has_generate_questions_permission(self, request):
        return has_generate_questions_permission(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The importer finds items by slug and the reader links to them: fixed once created.
            readonly.insert(0, "slug")
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": self.slug_from} if obj is None and self.slug_from else {}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            _flag_questions(self, request, obj, form)

    def get_fieldsets(self, request, obj=None):
        fields = self.get_fields(request, obj)
        tail = (*self.source_fields, *self.referring_fields, *self.import_fields)
        own = sorted((name for name in fields if name not in tail), key=lambda name: name != "slug")
        fieldsets = [(None, {"fields": own}), (_("Source in the article"), {"fields": list(self.source_fields)})]
        if self.referring_fields:
            fieldsets.append((_("What a change touches"), {"fields": list(self.referring_fields)}))
        fieldsets.append((_("Import"), {"fields": list(self.import_fields)}))
        return fieldsets

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "citations":
            kwargs["queryset"] = Paragraph.objects.select_related("section")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("cites"))
    def cited(self, obj):
        return ", ".join(_citation(paragraph) for paragraph in obj.citations.all())

    @admin.display(description=_("edited since import"), boolean=True)
    def edited_since_import(self, obj):
        return obj.is_edited_since_import()

    @admin.display(description=_("re-import"))
    def import_state(self, obj):
        if obj.pk is None or not obj.import_fingerprint:
            return _("Written by an editor: the importer never changes it.")
        if obj.is_edited_since_import():
            return _("Changed by an editor since import: a re-import will leave it alone.")
        return _("As imported: a re-import may update it.")

    @admin.display(description=_("text of the cited paragraphs"))
    def cited_paragraphs(self, obj):
        if obj.pk is None:
            return _("Choose the paragraphs above; their text appears here once saved.")
        paragraphs = list(obj.citations.select_related("section"))
        if not paragraphs:
            return _("No paragraph cited yet.")
        blocks = []
        for paragraph in paragraphs:
            label = format_html('<a href="{}">{}</a>', paragraph.get_absolute_url(), paragraph.label)
            blocks.append(
                format_html(
                    '<blockquote><p><strong>{}</strong> · <a href="{}">{}</a></p><p>{}</p></blockquote>',
                    label,
                    _admin_url(paragraph),
                    _("correct the text"),
                    paragraph.text,
                )
            )
        return format_html_join("", "{}", ((block,) for block in blocks))


class ReferredToMixin:
    """A read-only list of what refers to the item, so editors see what a change touches."""

    # (relation name on the item, label)
    referred_by = ()

    @admin.display(description=_("referred to by"))
    def referring_items(self, obj):
        if obj.pk is None:
            return "—"
        groups = [(label, list(getattr(obj, relation).all())) for relation, label in self.referred_by]
        return _linked_groups(groups, _("Nothing refers to it."))


@admin.register(Country)
class CountryAdmin(ReferredToMixin, DerivedAdmin):
    list_display = ("name", "status", "kind", "origin", "cited", "edited_since_import")
    search_fields = ("name", "slug", "regime", "summary", "=citations__anchor")
    slug_from = ("name",)
    readonly_fields = (*DerivedAdmin.readonly_fields, "referring_items")
    referring_fields = ("referring_items",)
    referred_by = (
        ("leaders", _("Leaders")),
        ("actors", _("Actors")),
        ("events", _("Timeline events")),
        ("figures", _("Key figures")),
    )


@admin.register(Actor)
class ActorAdmin(ReferredToMixin, DerivedAdmin):
    list_display = ("name", "actor_type", "status", "kind", "origin", "cited", "edited_since_import")
    list_filter = ("status", "kind", "origin", "actor_type", "countries")
    search_fields = ("name", "short_name", "slug", "summary", "=citations__anchor")
    autocomplete_fields = ("citations", "countries")
    slug_from = ("name",)
    readonly_fields = (*DerivedAdmin.readonly_fields, "referring_items")
    referring_fields = ("referring_items",)
    referred_by = (("events", _("Timeline events")), ("figures", _("Key figures")))


@admin.register(Leader)
class LeaderAdmin(ReferredToMixin, DerivedAdmin):
    list_display = ("name", "rank", "role", "country", "status", "kind", "origin", "cited", "edited_since_import")
    list_filter = ("status", "kind", "origin", "role", "country")
    list_select_related = ("country",)
    search_fields = ("name", "rank", "slug", "office", "summary", "country__name", "=citations__anchor")
    autocomplete_fields = ("citations", "country", "related")
    slug_from = ("name",)
    readonly_fields = (*DerivedAdmin.readonly_fields, "referring_items")
    referring_fields = ("referring_items",)
    referred_by = (("related", _("Related people")),)


class YearFilter(admin.SimpleListFilter):
    """The years events start or end in; a span counts for every year it covers."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        events = model_admin.get_queryset(request).prefetch_related(None)
        years = {d.year for d in events.dates("date", "year")} | {d.year for d in events.dates("end_date", "year")}
        return [(str(year), str(year)) for year in sorted(years)]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
            raise IncorrectLookupParameters(
                _("The year must be a number from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return queryset.in_years(int(value), int(value))


@admin.register(TimelineEvent)
class TimelineEventAdmin(DerivedAdmin):
    list_display = ("date_label", "title", "status", "kind", "origin", "cited", "edited_since_import")
    list_display_links = ("date_label", "title")
    list_filter = ("status", "kind", "origin", YearFilter, "countries", "actors")
    search_fields = ("title", "slug", "summary", "=citations__anchor")
    autocomplete_fields = ("citations", "countries", "actors")
    slug_from = ("title",)

    @admin.display(description=_("date"), ordering="date")
    def date_label(self, obj):
        return obj.date_label


@admin.register(KeyFigure)
class KeyFigureAdmin(DerivedAdmin):
    # The figure is one column (value and what it counts) and its country and actor are filters, so the
    # list fits a 1280-pixel screen with the admin's sidebar open.
    list_display = ("figure", "year", "status", "kind", "origin", "cited", "edited_since_import")
    list_filter = ("status", "kind", "origin", "year", "country", "actor")
    list_select_related = ("country", "actor")
    search_fields = ("label", "slug", "context", "=citations__anchor")
    autocomplete_fields = ("citations", "country", "actor")
    slug_from = ("label",)

    @admin.display(description=_("figure"), ordering="value")
    def figure(self, obj):
        return format_html("<strong>{}</strong> {}", obj.display_value, obj.label)


@admin.register(Concept)
class ConceptAdmin(DerivedAdmin):
    list_display = ("term", "status", "kind", "origin", "cited", "edited_since_import")
    search_fields = ("term", "slug", "definition", "in_the_article", "=citations__anchor")
    slug_from = ("term",)


@admin.register(Takeaway)
class TakeawayAdmin(DerivedAdmin):
    list_display = ("__str__", "section", "status", "kind", "origin", "cited", "edited_since_import")
    list_filter = ("status", "kind", "origin", "section")
    list_select_related = ("section",)
    search_fields = ("text", "slug", "section__title", "=citations__anchor")
    autocomplete_fields = ("citations", "section")


@admin.register(FaqEntry)
class FaqEntryAdmin(DerivedAdmin):
    list_display = ("question", "status", "kind", "origin", "cited", "edited_since_import")
    search_fields = ("question", "answer", "slug", "=citations__anchor")
    slug_from = ("question",)


@admin.register(SourceReference)
class SourceReferenceAdmin(DerivedAdmin):
    list_display = ("title", "url", "status", "kind", "origin", "cited", "edited_since_import")
    search_fields = ("title", "description", "url", "slug", "=citations__anchor")
    slug_from = ("title",)
    formfield_overrides = {**BaseAdmin.formfield_overrides, models.URLField: {"assume_scheme": "https"}}
