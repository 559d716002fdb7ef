"""Account forms: input checks only; creating the student is ``actions.sign_up``.

Rendered by ``templates/accounts/includes/_field.html``, which gives each field's errors the id
``<field id>_error`` that Django 5.2 already names in the widget's ``aria-describedby``.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

User = get_user_model()


def email_in_use(email, *, exclude=None):
    users = User.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("Only used to send you a link if you forget your password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    join_code = forms.CharField(
        label=_("Class code (optional)"),
        required=False,
        max_length=20,
        help_text=_("If your trainer gave you a class code, type it here to join the class."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_join_code(self):
        """The code as stored; one that opens no class is refused here with the reason (``join_refusal``)."""
        from quizzes.actions import join_refusal
        from quizzes.cohorts import normalize_join_code

        code = normalize_join_code(self.cleaned_data["join_code"])
        if code:
            refusal = join_refusal(code)
            if refusal is not None:
                raise forms.ValidationError(refusal.message, code=refusal.code)
        return code

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and email_in_use(email):
            raise forms.ValidationError(_("An account with this e-mail address already exists."), code="email_in_use")
        return email


class ProfileForm(forms.ModelForm):
    """The display name is the user's ``first_name``: the header says “Signed in as” it."""

    class Meta:
        model = User
        fields = ("first_name", "email")
        labels = {"first_name": _("Display name"), "email": _("E-mail")}
        help_texts = {
            "first_name": _("How Sahel Learn greets you; leave it empty to be shown by your username."),
            "email": _("Optional; used only for password reset links."),
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_first_name(self):
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and email_in_use(email, exclude=self.instance):
            raise forms.ValidationError(_("An account with this e-mail address already exists."), code="email_in_use")
        return email
