from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sahel_learn.accounts import views as account_views

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before Django's auth URLs: the same addresses and names, throttled or in the site's style.
    path("accounts/password_reset/", account_views.password_reset, name="password_reset"),
    # The site's password change in the site's style (the admin keeps its own, at admin/password_change/).
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/", include("sahel_learn.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("sahel_learn.api_urls")),
    path("", include("quizzes.urls")),
    path("", include("briefings.urls")),
]
