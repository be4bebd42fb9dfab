import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories set passwords; the production hasher would spend half a second on each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
