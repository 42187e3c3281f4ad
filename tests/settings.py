"""Test settings: the real settings, with a fast password hasher."""

from fangkong.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A second alias for the streaming replica, on the primary's own test database (Django's
# TEST MIRROR), so the router's choices can be seen per connection. Off unless a test turns
# FANGKONG_READ_REPLICA on (tests/core/test_replica.py): the other tests read one database.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
FANGKONG_READ_REPLICA = False

# The suite's fixtures date their passages from January 2020 on while the clock reads today:
# the late-passage window (FANGKONG["PASSAGE_LATE_DAYS"], default 7) is off here and turned
# on by the tests of that rule (tests/checkpoints/test_passage_time.py). The checkpoint's
# opening date still bounds every passage.
FANGKONG = {**FANGKONG, "PASSAGE_LATE_DAYS": 0}  # noqa: F405
