"""Settings for the test suite: the real settings, with fast hashing, eager Celery and a local cache.

The database is still DATABASE_URL (PostgreSQL in CI) or SQLite; Celery's broker is still Redis when
REDIS_URL is set, so the real-worker test can switch eagerness off and talk to it.
"""

from .settings import *  # noqa: F403

MCU_ENV = "test"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
