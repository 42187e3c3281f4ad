"""Test settings: the real settings, with a fast password hasher."""

from fangkong.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Connections opened by the tests' own threads (concurrency tests) are closed when their
# work ends, as before persistent connections became the default; servers the tests start
# in a subprocess (gunicorn, the CLI) keep the production default.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
