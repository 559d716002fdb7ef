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
]
