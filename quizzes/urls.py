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
    # -- study settings
    path("study/settings/", views.study_settings, name="study-settings"),
    path("study/settings/optimize/", views.study_optimize, name="study-optimize"),
]

# -- study statistics
urlpatterns += [
    path("study/stats/", views.study_stats, name="study-stats"),
    path("study/cards/<int:question_pk>/", views.reviewstate_detail, name="reviewstate-detail"),
]

# -- classes
urlpatterns += [
    path("classes/", views.cohort_list, name="cohort-list"),
    path("classes/new/", views.cohort_create, name="cohort-create"),
    path("classes/mine/", views.cohort_mine, name="cohort-mine"),
    path("classes/join/", views.cohort_join, name="cohort-join"),
    path("classes/join/<str:code>/", views.cohort_join_link, name="cohort-join-link"),
    path("classes/<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("classes/<int:pk>/code/", views.cohort_regenerate_code, name="cohort-regenerate-code"),
    path("classes/<int:pk>/joining/", views.cohort_joining, name="cohort-joining"),
    path("classes/<int:pk>/trainers/", views.cohort_add_trainer, name="cohort-add-trainer"),
    path("classes/<int:pk>/students/new/", views.cohort_add_students, name="cohort-add-students"),
    path("classes/<int:pk>/passwords/", views.cohort_password_sheet, name="cohort-password-sheet"),
    path(
        "classes/<int:pk>/students/<int:student_pk>/remove/", views.cohort_remove_student, name="cohort-remove-student"
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/password/",
        views.cohort_reset_password,
        name="cohort-reset-password",
    ),
    path("classes/<int:pk>/leave/", views.cohort_leave, name="cohort-leave"),
    # -- item analysis
    path("quizzes/<slug:slug>/analysis/", views.quiz_analysis, name="quiz-analysis"),
]

# -- class reports
urlpatterns += [
    path("classes/<int:pk>/forecast/", views.cohort_forecast, name="cohort-forecast"),
    path("classes/<int:pk>/students/<int:student_pk>/", views.cohort_student_detail, name="cohort-student-detail"),
]

# -- assignments
urlpatterns += [
    path("classes/<int:pk>/assignments/new/", views.assignment_create, name="assignment-create"),
    path("assignments/", views.assignment_mine, name="assignment-mine"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment-edit"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment-delete"),
    path(
        "assignments/<int:pk>/students/<int:student_pk>/extension/",
        views.assignment_override,
        name="assignment-override",
    ),
]

# -- the class gradebook
urlpatterns += [
    path("classes/<int:pk>/gradebook/", views.cohort_gradebook, name="cohort-gradebook"),
    path("classes/<int:pk>/gradebook.csv", views.cohort_gradebook_csv, name="cohort-gradebook-csv"),
]
