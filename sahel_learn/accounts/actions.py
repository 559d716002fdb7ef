"""Account workflows."""

from django.contrib.auth.models import Group
from django.db import transaction

from .roles import STUDENTS


@transaction.atomic
def sign_up(*, form):
    """Create the account of a valid ``SignUpForm``: a Student, in the class of its code if one was given.

    Joining refused at the last moment (the class closed joining meanwhile) raises the
    ``quizzes.actions.CohortError`` and no account is made.
    """
    from quizzes.actions import join_cohort

    user = form.save()
    user.groups.add(Group.objects.get(name=STUDENTS))
    if form.cleaned_data.get("join_code"):
        join_cohort(code=form.cleaned_data["join_code"], student=user)
    return user
