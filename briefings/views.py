"""The student pages: one URL, one view, one template; a partial only where htmx swaps one.

Who sees drafts is ``shows_drafts(request)`` with ``visible()``: students see published content
only; a staff editor who asks (``?status=draft``, what "View on site" of a draft opens) previews the
drafts in place, under a banner. Related items are prefetched with the same visibility.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from quizzes.actions import record_section_visit
from sahel_learn.accounts.roles import role_home
from sahel_learn.htmx import render_swappable

from .filters import TimelineEventFilter
from .forms import FaqQueryForm, SearchForm
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
    StatementKind,
    Takeaway,
    TimelineEvent,
    shows_drafts,
)
from .search import search as search_content
from .search import search_group


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


def _events(drafts):
    return (
        TimelineEvent.objects.visible(drafts)
        .chronological()
        .with_citations(drafts)
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.visible(drafts).order_by("name")),
            Prefetch("actors", queryset=Actor.objects.visible(drafts).order_by("name")),
        )
    )


def _figures(drafts):
    return KeyFigure.objects.visible(drafts).with_citations(drafts).with_visible("country", "actor", drafts=drafts)


def _leaders(drafts):
    return Leader.objects.visible(drafts).heads_first().with_citations(drafts).with_visible("country", drafts=drafts)


@require_safe
def home(request):
    briefing = Briefing.objects.with_first_section().current()
    context = {
        "briefing": briefing,
        "first_section_slug": briefing.first_section_slug if briefing else None,
        "countries": Country.objects.visible().order_by("name"),
        "role_home": role_home(request.user),
    }
    return render(request, "briefings/home.html", context)


@require_safe
def briefing_detail(request):
    drafts = shows_drafts(request)
    briefing = Briefing.objects.current(drafts)
    if briefing is None:
        raise Http404(_("No briefing has been published yet."))
    sections = Section.objects.filter(
        briefing=briefing, kind__in=[SectionKind.STANDFIRST, SectionKind.BODY]
    ).prefetch_related(
        Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")),
        Prefetch(
            "takeaways",
            queryset=Takeaway.objects.visible(drafts).with_citations(drafts).order_by("position", "slug"),
        ),
    )
    # The standfirst comes first (number 0); its paragraph is the lede, with its anchor, so items can cite it.
    standfirst = next((p for s in sections if s.kind == SectionKind.STANDFIRST for p in s.paragraphs.all()), None)
    context = {
        "briefing": briefing,
        "standfirst": standfirst,
        "sections": [s for s in sections if s.kind == SectionKind.BODY],
        "draft_preview": drafts,
    }
    return render(request, "briefings/briefing_detail.html", context)


@require_safe
def leader_list(request):
    drafts = shows_drafts(request)
    return render(request, "briefings/leader_list.html", {"leaders": _leaders(drafts), "draft_preview": drafts})


@require_safe
def leader_detail(request, slug):
    drafts = shows_drafts(request)
    leader = get_object_or_404(
        _leaders(drafts).prefetch_related(Prefetch("related", queryset=Leader.objects.visible(drafts).heads_first())),
        slug=slug,
    )
    return render(request, "briefings/leader_detail.html", {"leader": leader, "draft_preview": drafts})


@require_safe
def leader_compare(request):
    drafts = shows_drafts(request)
    leaders = list(_leaders(drafts).heads_of_state())
    rows = [
        {**field, "cells": [(leader, getattr(leader, field["name"])) for leader in leaders]}
        for field in Leader.kinded_fields()
    ]
    context = {"leaders": leaders, "rows": rows, "draft_preview": drafts}
    return render(request, "briefings/leader_compare.html", context)


@require_safe
@vary_on_headers("HX-Request")
def timeline(request):
    drafts = shows_drafts(request)
    filterset = TimelineEventFilter(request.GET, queryset=_events(drafts), request=request)
    if filterset.is_valid():
        events, status = filterset.qs, 200
    else:
        events, status = TimelineEvent.objects.none(), 400
    context = {"form": filterset.form, "events": events, "draft_preview": drafts}
    return render_swappable(request, "briefings/timeline.html", "timeline-results", context, status=status)


@require_safe
def figure_list(request):
    drafts = shows_drafts(request)
    return render(request, "briefings/figure_list.html", {"figures": _figures(drafts), "draft_preview": drafts})


@require_safe
def actor_list(request):
    drafts = shows_drafts(request)
    actors = (
        Actor.objects.visible(drafts)
        .with_citations(drafts)
        .prefetch_related(Prefetch("countries", queryset=Country.objects.visible(drafts).order_by("name")))
    )
    return render(request, "briefings/actor_list.html", {"actors": actors, "draft_preview": drafts})


@require_safe
def actor_detail(request, slug):
    drafts = shows_drafts(request)
    actor = get_object_or_404(
        Actor.objects.visible(drafts)
        .with_citations(drafts)
        .with_visible("part_of", drafts=drafts)
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.visible(drafts).order_by("name")),
            Prefetch("events", queryset=_events(drafts)),
            Prefetch("figures", queryset=_figures(drafts)),
            Prefetch("parts", queryset=Actor.objects.visible(drafts).by_shown_name()),
        ),
        slug=slug,
    )
    return render(request, "briefings/actor_detail.html", {"actor": actor, "draft_preview": drafts})


@require_safe
def country_detail(request, slug):
    drafts = shows_drafts(request)
    country = get_object_or_404(
        Country.objects.visible(drafts)
        .with_citations(drafts)
        .prefetch_related(
            Prefetch("leaders", queryset=Leader.objects.visible(drafts).heads_first().with_citations(drafts)),
            Prefetch("figures", queryset=_figures(drafts)),
            Prefetch("events", queryset=_events(drafts)),
            Prefetch("actors", queryset=Actor.objects.visible(drafts).with_citations(drafts)),
        ),
        slug=slug,
    )
    return render(request, "briefings/country_detail.html", {"country": country, "draft_preview": drafts})


@require_safe
def concept_list(request):
    drafts = shows_drafts(request)
    concepts = Concept.objects.visible(drafts).with_citations(drafts)
    return render(request, "briefings/concept_list.html", {"concepts": concepts, "draft_preview": drafts})


@require_safe
@vary_on_headers("HX-Request")
def faq(request):
    drafts = shows_drafts(request)
    form = FaqQueryForm(request.GET, label=_("Filter the questions"))
    if form.is_valid():
        query = form.cleaned_data["q"]
        entries = _with_page_anchors(
            FaqEntry.objects.visible(drafts).with_citations(drafts).containing(query, "question", "answer"),
            SectionKind.FAQ,
        )
        status = 200
    else:
        query, entries, status = "", [], 400
    context = {"form": form, "query": query, "entries": entries, "draft_preview": drafts}
    return render_swappable(request, "briefings/faq.html", "faq-results", context, status=status)


@require_safe
def source_list(request):
    drafts = shows_drafts(request)
    sources = _with_page_anchors(SourceReference.objects.visible(drafts).with_citations(drafts), SectionKind.SOURCES)
    return render(request, "briefings/source_list.html", {"sources": sources, "draft_preview": drafts})


@require_safe
@vary_on_headers("HX-Request")
def search(request):
    """Hits of every kind, a few each with their totals; or, with ``group``, every hit of one kind, paged."""
    form = SearchForm(request.GET, label=_("Search everything"))
    context, status = {"form": form, "query": "", "groups": [], "group": None, "page_obj": None}, 200
    if form.is_valid():
        query, key = form.cleaned_data["q"], form.cleaned_data["group"]
        context["query"] = query
        if query and key:
            group, page_obj = search_group(query, key, page=form.cleaned_data["page"] or 1)
            context.update(groups=[group] if group.total else [], group=group, page_obj=page_obj)
        elif query:
            context["groups"] = search_content(query)
    else:
        status = 400
    context["total"] = sum(group.total for group in context["groups"])
    return render_swappable(request, "briefings/search.html", "search-results", context, status=status)


@require_safe
def labels_help(request):
    """What each kind of statement means, and the rules editors follow when they label an item."""
    return render(request, "briefings/labels_help.html", {"kinds": StatementKind})


# --- Briefing cards, the countries list -----------------------------------------------------------

# What the section card lists as citing it, in this order: (model, id of its group, heading).
CARD_CITING_GROUPS = [
    (Leader, "cited-by-leaders", _("Leaders")),
    (TimelineEvent, "cited-by-events", _("Events")),
    (KeyFigure, "cited-by-figures", _("Key figures")),
    (Concept, "cited-by-concepts", _("Concepts")),
    (Actor, "cited-by-actors", _("Actors")),
    (Country, "cited-by-countries", _("Countries")),
]


def _citing_section(model, section, drafts):
    """Visible items of ``model`` citing a paragraph of ``section``; ``cited_here`` lists those paragraphs."""
    through = model.citations.through.objects.filter(paragraph__section=section)
    return (
        model.objects.visible(drafts)
        .filter(pk__in=through.values(model._meta.model_name))
        .prefetch_related(
            Prefetch(
                "citations", queryset=Paragraph.objects.filter(section=section).order_by("number"), to_attr="cited_here"
            )
        )
    )


@require_safe
def section_detail(request, slug):
    """One body section of the briefing as a card: takeaways, paragraphs, what cites it, and the way on."""
    drafts = shows_drafts(request)
    briefing = Briefing.objects.current(drafts)
    if briefing is None:
        raise Http404(_("No briefing has been published yet."))
    sections = list(Section.objects.filter(briefing=briefing).order_by("number"))
    section = next((item for item in sections if item.slug == slug), None)
    if section is None:
        raise Http404(_("This briefing has no section “%(slug)s”.") % {"slug": slug})
    if section.kind == SectionKind.FAQ:
        return redirect("briefings:faq")
    if section.kind == SectionKind.SOURCES:
        return redirect("briefings:source-list")
    if section.kind != SectionKind.BODY:  # the standfirst is the whole article's lede
        return redirect("briefings:briefing-detail")
    body = [item for item in sections if item.kind == SectionKind.BODY]
    index = body.index(section)
    record_section_visit(student=request.user, section=section, now=timezone.now())  # a reading's progress
    groups = [
        {"id": group_id, "title": title, "items": list(_citing_section(model, section, drafts))}
        for model, group_id, title in CARD_CITING_GROUPS
    ]
    takeaways = Takeaway.objects.visible(drafts).filter(section=section).with_citations(drafts)
    context = {
        "briefing": briefing,
        "section": section,
        "sections": body,
        "position": index + 1,
        "previous": body[index - 1] if index > 0 else None,
        "next": body[index + 1] if index + 1 < len(body) else None,
        "paragraphs": section.paragraphs.order_by("number"),
        "takeaways": takeaways.order_by("position", "slug"),
        "groups": groups,
        "cited": any(group["items"] for group in groups),
        "draft_preview": drafts,
    }
    return render(request, "briefings/section_detail.html", context)


@require_safe
def country_list(request):
    drafts = shows_drafts(request)
    countries = (
        Country.objects.visible(drafts)
        .with_counts()
        .prefetch_related(Prefetch("leaders", queryset=Leader.objects.visible(drafts).heads_of_state().heads_first()))
        .order_by("name")
    )
    return render(request, "briefings/country_list.html", {"countries": countries, "draft_preview": drafts})
