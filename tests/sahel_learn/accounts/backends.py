"""Real classes the account tests plug into settings (no mocks): a failing mail server, a counting hasher."""

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


class CountingHasher(MD5PasswordHasher):
    """The tests' hasher, counting the passwords it checks."""

    algorithm = "counting_md5"
    verified = 0

    def verify(self, password, encoded):
        CountingHasher.verified += 1
        return super().verify(password, encoded)
