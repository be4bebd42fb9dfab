import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Coordinators log in in many tests; PBKDF2's deliberate slowness only costs test time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
