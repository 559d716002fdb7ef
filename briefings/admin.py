"""The editors' admin: review what the importer proposes, publish, revise, see what a change touches.

Every model keeps its change history (django-simple-history) with revert. Editors' permissions come
from the ``Editors`` group (sahel_learn/accounts/roles.py); the admin only narrows what the importer owns
(slugs, anchors, the article's structure) to read-only.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import model_ngettext
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

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


class BaseAdmin(SimpleHistoryAdmin):
    """History and revert for every model."""


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


@admin.action(permissions=["change"], description=_("Publish selected"))
def publish_selected(modeladmin, request, queryset):
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
    list_display = (
        "display_value",
        "label",
        "year",
        "country",
        "actor",
        "status",
        "kind",
        "origin",
        "cited",
        "edited_since_import",
    )
    list_display_links = ("display_value", "label")
    list_filter = ("status", "kind", "origin", "year", "country", "actor")
    list_select_related = ("country", "actor")
    search_fields = ("label", "slug", "context", "=citations__anchor")
    autocomplete_fields = ("citations", "country", "actor")
    slug_from = ("label",)

    @admin.display(description=_("value"), ordering="value")
    def display_value(self, obj):
        return obj.display_value


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
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
