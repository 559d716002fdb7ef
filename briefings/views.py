"""The student-facing pages: one URL, one view, one template; the page's partial under htmx."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from .forms import TextQueryForm, TimelineFilterForm
from .models import (
    Actor,
    Briefing,
    Concept,
    Country,
    FaqEntry,
    KeyFigure,
    Leader,
    Paragraph,
    Section,
    SectionKind,
    SourceReference,
    Takeaway,
    TimelineEvent,
)
from .search import search as search_content


def _render(request, template_name, partial, context, *, status=200):
    """The whole page, or only its ``partial`` when htmx asks (but not when htmx restores history)."""
    if request.htmx and not request.htmx.history_restore_request:
        template_name = f"{template_name}#{partial}"
    return render(request, template_name, context, status=status)


def _with_page_anchors(items, section_kind):
    """Give each item the anchors of its cited paragraphs that live on this page (the FAQ or the Sources).

    Citations of those paragraphs link here rather than to the reader; each anchor goes to the first item
    that cites it, so no id appears twice.
    """
    items, claimed = list(items), set()
    for item in items:
        item.page_anchors = []
        for paragraph in item.citations.all():
            if paragraph.section.kind == section_kind and paragraph.anchor not in claimed:
                claimed.add(paragraph.anchor)
                item.page_anchors.append(paragraph.anchor)
    return items


def _events():
    return (
        TimelineEvent.objects.published()
        .chronological()
        .with_citations()
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.published().order_by("name")),
            Prefetch("actors", queryset=Actor.objects.published().order_by("name")),
        )
    )


def _figures():
    return KeyFigure.objects.published().with_citations().select_related("country", "actor")


@require_GET
@vary_on_headers("HX-Request")
def home(request):
    context = {
        "briefing": Briefing.objects.published().first(),
        "countries": Country.objects.published().order_by("name"),
    }
    return _render(request, "briefings/home.html", "entry-points", context)


@require_GET
@vary_on_headers("HX-Request")
def briefing_detail(request):
    briefing = Briefing.objects.published().first()
    if briefing is None:
        raise Http404(_("No briefing has been published yet."))
    sections = Section.objects.filter(
        briefing=briefing, kind__in=[SectionKind.STANDFIRST, SectionKind.BODY]
    ).prefetch_related(
        Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")),
        Prefetch("takeaways", queryset=Takeaway.objects.published().with_citations().order_by("position", "slug")),
    )
    # The standfirst comes first (number 0); its paragraph is the lede, with its anchor, so items can cite it.
    standfirst = next((p for s in sections if s.kind == SectionKind.STANDFIRST for p in s.paragraphs.all()), None)
    context = {
        "briefing": briefing,
        "standfirst": standfirst,
        "sections": [s for s in sections if s.kind == SectionKind.BODY],
    }
    return _render(request, "briefings/briefing_detail.html", "briefing-sections", context)


@require_GET
@vary_on_headers("HX-Request")
def leader_list(request):
    leaders = Leader.objects.published().select_related("country").with_citations().order_by("role", "position", "slug")
    return _render(request, "briefings/leader_list.html", "leader-list", {"leaders": leaders})


@require_GET
@vary_on_headers("HX-Request")
def leader_detail(request, slug):
    leader = get_object_or_404(
        Leader.objects.published()
        .select_related("country")
        .with_citations()
        .prefetch_related(Prefetch("related", queryset=Leader.objects.published().select_related("country"))),
        slug=slug,
    )
    return _render(request, "briefings/leader_detail.html", "leader-profile", {"leader": leader})


@require_GET
@vary_on_headers("HX-Request")
def leader_compare(request):
    leaders = list(Leader.objects.published().heads_of_state().select_related("country").with_citations())
    rows = [
        {
            "label": Leader._meta.get_field(name).verbose_name,
            "name": name,
            "kind": kind.value,
            "kind_label": kind.label,
            "cells": [(leader, getattr(leader, name)) for leader in leaders],
        }
        for name, kind in Leader.FIELD_KINDS.items()
    ]
    context = {"leaders": leaders, "rows": rows}
    return _render(request, "briefings/leader_compare.html", "leader-comparison", context)


@require_GET
@vary_on_headers("HX-Request")
def timeline(request):
    form = TimelineFilterForm(request.GET)
    if form.is_valid():
        events = _events().matching(**form.cleaned_data)
        status = 200
    else:
        events = TimelineEvent.objects.none()
        status = 400
    context = {"form": form, "events": events}
    return _render(request, "briefings/timeline.html", "timeline-results", context, status=status)


@require_GET
@vary_on_headers("HX-Request")
def figure_list(request):
    return _render(request, "briefings/figure_list.html", "figure-list", {"figures": _figures()})


@require_GET
@vary_on_headers("HX-Request")
def actor_list(request):
    actors = (
        Actor.objects.published()
        .with_citations()
        .prefetch_related(Prefetch("countries", queryset=Country.objects.published().order_by("name")))
    )
    return _render(request, "briefings/actor_list.html", "actor-list", {"actors": actors})


@require_GET
@vary_on_headers("HX-Request")
def actor_detail(request, slug):
    actor = get_object_or_404(
        Actor.objects.published()
        .with_citations()
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.published().order_by("name")),
            Prefetch("events", queryset=_events()),
            Prefetch("figures", queryset=_figures()),
        ),
        slug=slug,
    )
    return _render(request, "briefings/actor_detail.html", "actor-profile", {"actor": actor})


@require_GET
@vary_on_headers("HX-Request")
def country_detail(request, slug):
    country = get_object_or_404(
        Country.objects.published()
        .with_citations()
        .prefetch_related(
            Prefetch("leaders", queryset=Leader.objects.published().with_citations().order_by("role", "position")),
            Prefetch("figures", queryset=_figures()),
            Prefetch("events", queryset=_events()),
            Prefetch("actors", queryset=Actor.objects.published().with_citations()),
        ),
        slug=slug,
    )
    return _render(request, "briefings/country_detail.html", "country-profile", {"country": country})


@require_GET
@vary_on_headers("HX-Request")
def concept_list(request):
    concepts = Concept.objects.published().with_citations()
    return _render(request, "briefings/concept_list.html", "concept-list", {"concepts": concepts})


@require_GET
@vary_on_headers("HX-Request")
def faq(request):
    form = TextQueryForm(request.GET, label=_("Filter the questions"))
    if form.is_valid():
        query = form.cleaned_data["q"]
        entries = _with_page_anchors(
            FaqEntry.objects.published().with_citations().containing(query, "question", "answer"), SectionKind.FAQ
        )
        status = 200
    else:
        query, entries, status = "", [], 400
    context = {"form": form, "query": query, "entries": entries}
    return _render(request, "briefings/faq.html", "faq-results", context, status=status)


@require_GET
@vary_on_headers("HX-Request")
def source_list(request):
    sources = _with_page_anchors(SourceReference.objects.published().with_citations(), SectionKind.SOURCES)
    return _render(request, "briefings/source_list.html", "source-list", {"sources": sources})


@require_GET
@vary_on_headers("HX-Request")
def search(request):
    form = TextQueryForm(request.GET, label=_("Search everything"))
    if form.is_valid():
        query = form.cleaned_data["q"]
        groups = search_content(query) if query else []
        status = 200
    else:
        query, groups, status = "", [], 400
    context = {"form": form, "query": query, "groups": groups, "total": sum(len(group.hits) for group in groups)}
    return _render(request, "briefings/search.html", "search-results", context, status=status)
