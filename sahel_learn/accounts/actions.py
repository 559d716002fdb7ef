"""Account workflows."""

from django.contrib.auth.models import Group
from django.db import transaction

from .roles import STUDENTS


@transaction.atomic
def sign_up(*, form):
    """Create the account of a valid ``SignUpForm``: a Student."""
    user = form.save()
    user.groups.add(Group.objects.get(name=STUDENTS))
    return user
