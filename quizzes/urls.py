from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/", views.quiz_list, name="quiz-list"),
    path("quizzes/<slug:slug>/", views.quiz_detail, name="quiz-detail"),
    path("quizzes/<slug:slug>/attempts/", views.attempt_start, name="attempt-start"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt-detail"),
    path("attempts/<int:pk>/questions/<int:position>/", views.attempt_answer, name="attempt-answer"),
    path("attempts/<int:pk>/questions/<int:position>/flag/", views.attempt_flag, name="attempt-flag"),
    path("attempts/<int:pk>/questions/<int:position>/next/", views.attempt_next, name="attempt-next"),
    path("attempts/<int:pk>/summary/", views.attempt_summary, name="attempt-summary"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt-submit"),
    path("attempts/<int:pk>/review/", views.attempt_review, name="attempt-review"),
    path("help/scoring/", views.scoring_help, name="scoring-help"),
    # -- study
    path("study/", views.study_home, name="study-home"),
    path("study/session/", views.study_session, name="study-session"),
    path("study/session/reveal/", views.study_reveal, name="study-reveal"),
    path("study/session/rate/", views.study_rate, name="study-rate"),
    path("study/session/undo/", views.study_undo, name="study-undo"),
    path("study/cards/<int:pk>/suspend/", views.study_suspend, name="study-suspend"),
    path("study/leeches/", views.study_leeches, name="study-leeches"),
    # -- item analysis
    path("quizzes/<slug:slug>/analysis/", views.quiz_analysis, name="quiz-analysis"),
]
