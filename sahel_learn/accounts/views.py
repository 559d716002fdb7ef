"""Sign-up, the profile, and the throttled password reset; Django's auth views do the rest."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .actions import sign_up
from .forms import ProfileForm, SignUpForm
from .middleware import MUST_CHANGE_PASSWORD
from .models import OneTimePassword
from .roles import ROLE_LABELS, role_of
from .throttle import client_ip, too_many


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    from quizzes.actions import CohortError

    form = SignUpForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_up(form=form)
        except CohortError as error:  # the class closed joining, or changed its code, meanwhile
            form.add_error("join_code", error.message)
            return render(request, "accounts/signup.html", {"form": form}, status=error.http_status)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Sahel Learn, %(name)s. Your account is ready.") % {"name": user})
        if form.cleaned_data.get("join_code"):
            messages.success(request, _("You have joined the class “%(name)s”.") % {"name": user.cohorts.get().name})
        return redirect("briefings:home")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    context = {"form": form, "role_label": ROLE_LABELS[role_of(request.user)]}
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


class LoginView(auth_views.LoginView):
    """Django's sign-in; a user whose password was made for them (``OneTimePassword``) goes to change it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if OneTimePassword.objects.filter(user=form.get_user()).exists():
            self.request.session[MUST_CHANGE_PASSWORD] = True
            messages.info(self.request, _("Your password was made for you: choose your own before you go on."))
            return redirect("password_change")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change in the site's style; a one-time password, once changed, is gone."""

    template_name = "accounts/password_change_form.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "must_change": bool(self.request.session.get(MUST_CHANGE_PASSWORD)),
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        OneTimePassword.objects.filter(user=form.user).delete()
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        return response


def throttle_password_reset(view):
    """Refuse (429) a reset request beyond the limit per client address or per e-mail address."""

    @functools.wraps(view)
    def throttled(request, *args, **kwargs):
        if request.method == "POST":
            limit, window = settings.PASSWORD_RESET_RATE
            by_ip = too_many("password-reset-ip", client_ip(request), limit=limit, window=window)
            email = request.POST.get("email", "")
            by_email = bool(email) and too_many("password-reset-email", email, limit=limit, window=window)
            if by_ip or by_email:
                context = {"minutes": window // 60}
                return render(request, "registration/password_reset_throttled.html", context, status=429)
        return view(request, *args, **kwargs)

    return throttled


# Django's view and form (the form logs a reset e-mail it cannot send, then shows the same page).
password_reset = throttle_password_reset(auth_views.PasswordResetView.as_view())


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (``AXES_LOCKOUT_CALLABLE``), site and admin alike."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
