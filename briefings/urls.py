from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "briefings"

urlpatterns = [
    path("", views.home, name="home"),
    path("briefing/", views.briefing_detail, name="briefing-detail"),
    path("briefing/<slug:slug>/", views.section_detail, name="section-detail"),
    path("leaders/", views.leader_list, name="leader-list"),
    path("leaders/compare/", views.leader_compare, name="leader-compare"),
    # The article never gives Bazoum's first name; his page moved from the slug that did (issue 7).
    path(
        "leaders/mohamed-bazoum/",
        RedirectView.as_view(pattern_name="briefings:leader-detail", permanent=True),
        {"slug": "bazoum"},
    ),
    path("leaders/<slug:slug>/", views.leader_detail, name="leader-detail"),
    path("timeline/", views.timeline, name="timeline"),
    path("figures/", views.figure_list, name="figure-list"),
    path("actors/", views.actor_list, name="actor-list"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<slug:slug>/", views.country_detail, name="country-detail"),
    path("glossary/", views.concept_list, name="concept-list"),
    path("faq/", views.faq, name="faq"),
    path("sources/", views.source_list, name="source-list"),
    path("search/", views.search, name="search"),
    path("help/labels/", views.labels_help, name="labels-help"),
]
