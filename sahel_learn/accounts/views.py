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
from .roles import ROLE_LABELS, role_of
from .throttle import client_ip, too_many


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = sign_up(form=form)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Sahel Learn, %(name)s. Your account is ready.") % {"name": user})
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
