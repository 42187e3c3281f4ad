"""fangkong settings, read from the environment (FANGKONG_*).

Defaults run on a laptop: SQLite in WAL mode under var/, a secret key generated once into
var/, Asia/Shanghai, Simplified Chinese. Production sets FANGKONG_DATABASE_URL (PostgreSQL),
FANGKONG_SECRET_KEY (or _FILE), FANGKONG_ALLOWED_HOSTS and FANGKONG_HTTPS; `fangkong check
--deploy` tells what is still missing.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
# The repository root when run from a checkout; var/ holds the database, key and uploads.
PROJECT_DIR = BASE_DIR.parent.parent


def envstr(name: str, default: str = "") -> str:
    """FANGKONG_<name>, or the contents of the file named by FANGKONG_<name>_FILE."""
    key = f"FANGKONG_{name}"
    if key in os.environ:
        return os.environ[key]
    path = os.environ.get(f"{key}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return default


def envbool(name: str, default: bool) -> bool:
    value = envstr(name, "")
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = envstr(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = envstr(name, "")
    if not value.strip():
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envnetworks(name: str) -> list[str]:
    """Comma-separated IP addresses or CIDR networks; a wrong one stops the server at start
    rather than quietly trusting nothing (or everything)."""
    values = envlist(name, [])
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"FANGKONG_{name}: {value!r} is not an IP address or network ({exc})"
            ) from None
    return values


VAR_DIR = Path(envstr("VAR_DIR", str(PROJECT_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    explicit = envstr("SECRET_KEY")
    if explicit:
        return explicit
    # Generated once per installation so sessions survive restarts without configuration.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()


def _generated_once(path: Path) -> str:
    """A random key written once into `path` (mode 600) and read from it ever after. The
    first process to write it wins: several gunicorn workers starting together must all
    read the same key, so it is written aside and linked into place (link fails if taken)."""
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="utf-8").strip()


def _audit_key() -> str:
    """The key of the audit trail's HMAC chain (core/audit.py). Kept outside the
    database so that someone who can write to the database cannot recompute a consistent
    chain; never the secret key, which the web processes hold and may leak by other ways."""
    key = envstr("AUDIT_KEY") or _generated_once(VAR_DIR / "audit_key")
    if key == SECRET_KEY:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "FANGKONG_AUDIT_KEY 不能与 FANGKONG_SECRET_KEY 相同（审计链密钥须单独保管）。"
        )
    return key


FANGKONG_AUDIT_KEY = _audit_key()
# Set by the deployment (not generated into var/ beside the database): `check --deploy`.
FANGKONG_AUDIT_KEY_CONFIGURED = bool(envstr("AUDIT_KEY"))
# Every chain head printed (daily report, `fangkong audit verify`) is also appended here,
# outside the database; `audit verify` checks the chain still contains each of them.
FANGKONG_AUDIT_HEADS_FILE = Path(envstr("AUDIT_HEADS_FILE", str(VAR_DIR / "audit-heads.txt")))


def _mfa_key() -> str:
    """The key that encrypts TOTP secrets at rest (accounts/totp_keys.py). Like the audit
    key, outside the database: a copy of the database or a backup holds no usable secret.
    Its own key, not SECRET_KEY, so that rotating the one does not lock every officer out."""
    return envstr("MFA_KEY") or _generated_once(VAR_DIR / "mfa_key")


FANGKONG_MFA_KEY = _mfa_key()
FANGKONG_MFA_KEY_CONFIGURED = bool(envstr("MFA_KEY"))  # else in var/: `check --deploy`
# Earlier keys, comma-separated, still read: after a rotation each secret is re-encrypted
# under FANGKONG_MFA_KEY the next time it is used.
FANGKONG_MFA_KEY_FALLBACKS = [k for k in envstr("MFA_KEY_FALLBACKS").split(",") if k.strip()]
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    # One-time passwords (TOTP on the officer's phone) for the second sign-in step.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "fangkong.core.tasks_app.TasksDatabaseConfig",  # django_tasks_db, with a Chinese name
    "fangkong.core",
    "fangkong.accounts",
    "fangkong.org",
    "fangkong.people",
    "fangkong.quarantine",
    "fangkong.logistics",
    "fangkong.honors",
    "fangkong.outreach",
    "fangkong.command",
    "fangkong.checkpoints",
    "fangkong.medical",
]

MIDDLEWARE = [
    # Outermost, so that it times every request and labels it with its route (core/metrics.py).
    "fangkong.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fangkong.core.middleware.LanguageMiddleware",
    # Under /api/ no refusal is English or HTML (ninja's 405 …): said in the API's shape.
    "fangkong.core.middleware.ApiRefusalMiddleware",
    # A NUL in a path, an API query value or JSON string never reaches PostgreSQL.
    "fangkong.core.middleware.NulRefusalMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Read pages to the streaming replica, a user's own writes back from the primary.
    "fangkong.core.replica.ReplicaReadsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fangkong.accounts.middleware.AuditContextMiddleware",
    # Idle timeout, session lifetime and the second sign-in step (accounts/signin.py).
    "fangkong.accounts.signin.SignInGuardMiddleware",
    # ?area=… narrows the jurisdiction of a read to one county (accounts/jurisdiction.py).
    "fangkong.accounts.middleware.AreaMiddleware",
    "fangkong.core.middleware.SecurityHeadersMiddleware",
    "fangkong.core.middleware.SearchLimitMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fangkong.accounts.context_processors.navigation",
            ],
        },
    }
]


def _database() -> dict[str, Any]:
    url = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fangkong.sqlite3'}")
    # Connections kept 60 s by default: a new one per request re-reads SQLite's schema and
    # starts with an empty page cache (a registration took 10.6 ms of CPU instead of 7.6);
    # on PostgreSQL a new connection costs more than most requests (docs/scaling.md).
    age = envint("DB_CONN_MAX_AGE", 60)
    db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=age))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing mid-transaction — in the kernel, not
        # asleep on the busy timeout (fangkong/core/sqlite/base.py).
        db["ENGINE"] = "fangkong.core.sqlite"
        db["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("SQLITE_TIMEOUT", 20),
        }
    else:
        db.setdefault("OPTIONS", {})
        # Named in pg_stat_activity: `fangkong restore` lists the sessions it refuses beside.
        db["OPTIONS"].setdefault("application_name", "fangkong")
        db["CONN_HEALTH_CHECKS"] = True
    db["TEST"] = {"NAME": envstr("TEST_DATABASE_NAME") or None}
    return db


DATABASES = {"default": _database()}


def _replica() -> dict[str, Any] | None:
    """The streaming replica (a hot standby of the primary) the read pages read from
    (core/replica.py); None when FANGKONG_DATABASE_REPLICA_URL is unset."""
    url = envstr("DATABASE_REPLICA_URL")
    if not url:
        return None
    db: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
    )
    db.setdefault("OPTIONS", {})
    db["OPTIONS"].setdefault("application_name", "fangkong")
    # A standby that went away must not take a request down with it: fail fast, and the
    # router reads the primary until it is back.
    db["OPTIONS"].setdefault("connect_timeout", 3)
    db["CONN_HEALTH_CHECKS"] = True
    # Tests never create a second database: the replica is the primary's test database.
    db["TEST"] = {"MIRROR": "default"}
    return db


_REPLICA = _replica()
if _REPLICA is not None:
    DATABASES["replica"] = _REPLICA
# The read pages read the replica (core/replica.py) when there is one.
FANGKONG_READ_REPLICA = _REPLICA is not None
DATABASE_ROUTERS = ["fangkong.core.replica.ReplicaRouter"]
# A browser that wrote reads the primary this many seconds more (longer than the lag).
FANGKONG_REPLICA_STICKY_SECONDS = max(1, envint("REPLICA_STICKY_SECONDS", 10))
# Further behind than this, or unreachable, the replica is not read (checked every 5 s).
FANGKONG_REPLICA_MAX_LAG_SECONDS = max(1, envint("REPLICA_MAX_LAG_SECONDS", 30))
FANGKONG_REPLICA_CHECK_SECONDS = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# The password policy (等保2.0 身份鉴别, accounts/passwords.py): at least 12 characters of
# three kinds, no hidden character, not the username, none of the last five. Every way a password is set runs it:
# the password page, the admin site, `fangkong createuser`, `fangkong changepassword`.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "fangkong.accounts.passwords.HiddenCharacterValidator"},
    {"NAME": "fangkong.accounts.passwords.NoUsernameValidator"},
    {"NAME": "fangkong.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "fangkong.accounts.passwords.RepeatsAndSequencesValidator"},
    {"NAME": "fangkong.accounts.passwords.PasswordHistoryValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["fangkong.formats"]  # 1月31日 (fangkong/formats/zh_Hans)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders when collectstatic has not run (tests, development).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_AGE = envint("SESSION_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
# A form posted without its token: the site's own page, in its language (core/views.py).
CSRF_FAILURE_VIEW = "fangkong.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind TLS (nginx in production) cookies are secure and HSTS is sent.
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", False)
# The balancer's health check and the monitoring scrape talk to gunicorn's port directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# An intranet host can never be on the browsers' public HSTS preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("UPLOAD_MAX_MB", 20) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Nothing shared lives in the cache: the public pages' rate limits are counted in the
# database (core/ratelimit.py), so every gunicorn worker and host agrees.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fangkong",
    }
}

# The seed county's code and bureau: the defaults of an installation (core/checks.py warns
# when another area keeps the bureau's name).
SEED_COUNTY_CODE = "370921"
SEED_BUREAU_NAME = "宁阳县公安局"

# django-otp: the name an authenticator app shows beside the account; the admin site never
# shows a device's secret (accounts/admin.py keeps TOTP devices out of it entirely).
OTP_TOTP_ISSUER = envstr("BUREAU_NAME", SEED_BUREAU_NAME) + " 防控"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Domain settings (DESIGN.md "Domain rules").
FANGKONG: dict[str, Any] = {
    "COUNTY_CODE": envstr("COUNTY_CODE", SEED_COUNTY_CODE),
    # The area the installation serves (GB/T 2260): a county "370921", a city "3709", a
    # province "37" (org/areas.py). Unset: the county of COUNTY_CODE, as before.
    "AREA_CODE": envstr("AREA_CODE", "") or envstr("COUNTY_CODE", SEED_COUNTY_CODE),
    "COUNTY_NAME": envstr("COUNTY_NAME", "宁阳县"),
    "BUREAU_NAME": envstr("BUREAU_NAME", SEED_BUREAU_NAME),
    "QUARANTINE_DAYS": envint("QUARANTINE_DAYS", 14),
    "FEVER_THRESHOLD": float(envstr("FEVER_THRESHOLD", "37.3")),
    # Co-traveller contacts (密切接触者): shared vehicles this many days back.
    "CONTACT_DAYS": max(1, envint("CONTACT_DAYS", 14)),
    # Fix the working day (e.g. 2020-02-03 to work the demo county as on its day); empty: today.
    "TODAY": envstr("TODAY", ""),
    "AUDIT_RETENTION_DAYS": max(180, envint("AUDIT_RETENTION_DAYS", 365)),
    "LOCKOUT_FAILURES": envint("LOCKOUT_FAILURES", 5),
    "LOCKOUT_IP_FAILURES": envint("LOCKOUT_IP_FAILURES", 30),
    "LOCKOUT_MINUTES": envint("LOCKOUT_MINUTES", 15),
    # A signed-in session with no request for this long ends (等保2.0: 登录连接超时自动退出).
    "IDLE_MINUTES": max(1, envint("IDLE_MINUTES", 30)),
    # A password older than this many days must be changed at the next sign-in (0: never).
    "PASSWORD_DAYS": max(0, envint("PASSWORD_DAYS", 90)),
    # Roles that must sign in with a second factor (TOTP); every other role may choose to.
    "MFA_ROLES": envlist("MFA_ROLES", ["admin", "auditor", "security", "command"]),
    # Proxies (addresses or CIDR networks) whose X-Forwarded-For is believed: nginx's address
    # in production (docs/deployment.md). Empty: REMOTE_ADDR is the client (core/client_address.py).
    "TRUSTED_PROXIES": envnetworks("TRUSTED_PROXIES"),
    # How long a device keeps its offline copy (pages, people due a visit) before dropping it.
    "OFFLINE_HOURS": envint("OFFLINE_HOURS", 24),
    # How many days after it happened a passage is still accepted (docs/offline.md): a phone
    # keeps registering without a network and its outbox sends when the network returns, a
    # shift or a few days of a dead road later, never weeks. Older, or before the
    # checkpoint's 启用日期, is refused by passage_assess (checkpoints/services/passages.py)
    # on every entry point. At least 1: the window is never off (nothing from 1900 is kept).
    "PASSAGE_LATE_DAYS": max(1, envint("PASSAGE_LATE_DAYS", 7)),
    # Largest file a list import accepts (FANGKONG_UPLOAD_MAX_MB, also the form-data limit).
    "UPLOAD_MAX_MB": envint("UPLOAD_MAX_MB", 20),
    # QR self-registration: unconfirmed submissions expire; submissions per IP per hour.
    "SELFREG_HOURS": envint("SELFREG_HOURS", 24),
    "SELFREG_RATE": envint("SELFREG_RATE", 20),
    # Searches per user (any search box, page or API) a minute and a day: a search for a
    # whole ID number or phone is an oracle, and these bound how fast it can be asked
    # (docs/security.md, "Disclosure"). 0 turns a limit off.
    "SEARCH_RATE": envint("SEARCH_RATE", 30),
    "SEARCH_DAILY": envint("SEARCH_DAILY", 2000),
    # An officer's look-ups, in 10 minutes, of what their checkpoint recorded before of an ID
    # number typed at the roadside (the name and phone it fills in): enough for a bus typed
    # twice over, too few to try the hidden digits of a masked number (docs/security.md). Past
    # it the number is still checked; what was recorded is not looked up. 0: no limit.
    "CHECK_ID_RATE": envint("CHECK_ID_RATE", 200),
    # Official documents: the office named in the 印发 line, and who else receives the daily
    # report (抄送, e.g. "县委、县政府，市公安局"; empty: no 抄送 line).
    "ISSUING_OFFICE": envstr("ISSUING_OFFICE", "")
    or f"{envstr('BUREAU_NAME', SEED_BUREAU_NAME)}办公室",
    "REPORT_COPY_TO": envstr("REPORT_COPY_TO", ""),
    # The big screen turns to its next page every N seconds (?rotate=N for one screen).
    "SCREEN_ROTATE_SECONDS": max(5, envint("SCREEN_ROTATE_SECONDS", 20)),
}
# Fatigue on the duty roster: N consecutive days on duty, or more than H hours in any 24.
FANGKONG_FATIGUE_DAYS = envint("FATIGUE_DAYS", 5)
FANGKONG_FATIGUE_HOURS = envint("FATIGUE_HOURS", 16)
# bench/: a constant-JSON view and a one-row insert view, only when FANGKONG_BENCH=1.
FANGKONG_BENCH = envbool("BENCH", False)

# /healthz (core/health.py): the least free space under var/ (MB), and whether this
# instance runs a task worker (`fangkong serve --no-worker` sets it false).
FANGKONG_HEALTH_DISK_MIN_MB = envint("HEALTH_DISK_MIN_MB", 1024)
FANGKONG_HEALTH_WORKER = envbool("HEALTH_WORKER", True)
# /metrics (core/metrics.py): the addresses (or networks) that may read it — the
# monitoring server's — and a token for a scraper elsewhere. Everyone else gets a 404.
FANGKONG_METRICS_ALLOW = envnetworks("METRICS_ALLOW") or ["127.0.0.1", "::1"]
FANGKONG_METRICS_TOKEN = envstr("METRICS_TOKEN")
