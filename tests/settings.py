"""Test settings: the real settings, with a fast password hasher."""

from fangkong.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A second alias for the streaming replica, on the primary's own test database (Django's
# TEST MIRROR), so the router's choices can be seen per connection. Off unless a test turns
# FANGKONG_READ_REPLICA on (tests/core/test_replica.py): the other tests read one database.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
FANGKONG_READ_REPLICA = False
