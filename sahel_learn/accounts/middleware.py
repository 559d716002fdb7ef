"""Send a user who signed in with a one-time password to the password change page, and nowhere else.

The site's sign-in (``accounts.views.LoginView``) marks the session when the user has a
``OneTimePassword``; the password change (``accounts.views.PasswordChangeView``) deletes the row and
the mark. Reading the session costs nothing more: every page reads it for the signed-in user. The
API is left alone (it answers JSON, and tokens are not sessions).
"""

from django.shortcuts import redirect

# The session key set at sign-in while the user must choose their own password.
MUST_CHANGE_PASSWORD = "must_change_password"  # noqa: S105 - a session key
ALLOWED_VIEWS = {"password_change", "password_change_done", "logout", "login"}


class OneTimePasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.session.get(MUST_CHANGE_PASSWORD):
            return None
        match = request.resolver_match
        if match is None or match.url_name in ALLOWED_VIEWS or request.path_info.startswith("/api/"):
            return None
        return redirect("password_change")
