from django.urls import path

from . import views

app_name = "briefings"

urlpatterns = [
    path("", views.home, name="home"),
    path("briefing/", views.briefing_detail, name="briefing-detail"),
    path("leaders/", views.leader_list, name="leader-list"),
    path("leaders/compare/", views.leader_compare, name="leader-compare"),
    path("leaders/<slug:slug>/", views.leader_detail, name="leader-detail"),
    path("timeline/", views.timeline, name="timeline"),
    path("figures/", views.figure_list, name="figure-list"),
    path("actors/", views.actor_list, name="actor-list"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("countries/<slug:slug>/", views.country_detail, name="country-detail"),
    path("glossary/", views.concept_list, name="concept-list"),
    path("faq/", views.faq, name="faq"),
    path("sources/", views.source_list, name="source-list"),
    path("search/", views.search, name="search"),
]
