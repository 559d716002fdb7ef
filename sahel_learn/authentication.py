"""The API's token authentication: DRF's, with its read compiled once (``sahel_learn.prepared``).

Its own module, not ``sahel_learn/api.py``: DRF imports authentication classes while reading its
settings, which ``api.py``'s imports need already read.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .prepared import Prepared

TOKEN_WITH_USER = Prepared(lambda *, key: Token.objects.select_related("user").filter(key=key)[:1], key=str)


class PreparedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (``Authorization: Token <key>``) with its one read compiled once
    (``sahel_learn.prepared``): every API request makes it, and building it was a millisecond."""

    def authenticate_credentials(self, key):
        token = TOKEN_WITH_USER.first(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
