"""Settings read from the environment, in one place (API.md lists the public ones)."""
from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

#: The checkout: templates, static files, translations, migrations and the service worker live here.
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _normalise_database_url(url: str) -> str:
    """Let operators paste a plain `postgresql://` URL and still get psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def from_environment(instance_path: str) -> dict[str, Any]:
    """Build the configuration mapping from environment variables."""
    default_db = "sqlite:///" + os.path.join(instance_path, "fieldwork.sqlite")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": _normalise_database_url(os.environ.get("DATABASE_URL", default_db)),
        "FIELDWORK_TIMEZONE": os.environ.get("FIELDWORK_TIMEZONE", "America/Bogota"),
        "FIELDWORK_FOLLOW_UP_DAYS": int(os.environ.get("FIELDWORK_FOLLOW_UP_DAYS", "30")),
        "PHOTO_FOLDER": os.environ.get("FIELDWORK_PHOTO_FOLDER", os.path.join(instance_path, "photos")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # How many reverse proxies in front set X-Forwarded-For: the throttles count the real client.
        "FIELDWORK_PROXY_HOPS": int(os.environ.get("FIELDWORK_PROXY_HOPS", "0")),
        # Behind HTTPS the session cookie gets Secure and the __Host- prefix (see security headers).
        "FIELDWORK_HTTPS": os.environ.get("FIELDWORK_HTTPS", "") == "1",
        # The public address for links shared outside the app (never the request's Host header).
        "FIELDWORK_BASE_URL": os.environ.get("FIELDWORK_BASE_URL"),
        # Per-officer throttles (Flask-Limiter notation); see bench/README.md for where they sit.
        "RATELIMIT_SYNC": os.environ.get("FIELDWORK_RATELIMIT_SYNC"),
        "RATELIMIT_SYNC_VISITS": os.environ.get("FIELDWORK_RATELIMIT_SYNC_VISITS"),
        "RATELIMIT_PHOTOS": os.environ.get("FIELDWORK_RATELIMIT_PHOTOS"),
        "RATELIMIT_PHOTO_MEGAPIXELS": os.environ.get("FIELDWORK_RATELIMIT_PHOTO_MEGAPIXELS"),
    }


DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # 500 visits with notes of 2,000 characters fit well within this; photos are capped separately.
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "MAX_PHOTO_BYTES": 10 * 1024 * 1024,
    # Checked from the header, before decoding: a 150 KB PNG of 40 megapixels took 2-4 s of CPU and
    # 285 MB to decode. Phones send at most 1600 px a side (static/js/photos.js); 24 MP is a 6000x4000 camera.
    "MAX_PHOTO_PIXELS": 24_000_000,
    # What is decoded at most (a JPEG at reduced size, in draft mode) and stored at most: 6 MP is 24 MB of
    # pixels; stored photos are scaled to 1600 px a side, as the phone makes them (static/js/photos.js).
    "MAX_PHOTO_DECODE_PIXELS": 6_000_000,
    "MAX_PHOTO_SIDE": 1600,
    "SYNC_MAX_BATCH": 500,
    # OWASP's floor for PBKDF2-HMAC-SHA256 is 600,000 iterations; Werkzeug's default scrypt is below its floor.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:600000",
    "PASSWORD_MIN_LENGTH": 8,
    "BABEL_DEFAULT_LOCALE": "es",
    "BABEL_DEFAULT_TIMEZONE": "America/Bogota",
    "LANGUAGES": ["es", "en"],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
    # Offline officers come back after hours; the API fetches a fresh token before each sync anyway.
    "WTF_CSRF_TIME_LIMIT": 3600,
    "CONFIRMATION_LINK_MAX_AGE": 30 * 24 * 3600,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Per (username, address) and per address; per username only slowed down (fieldwork/web/throttle.py).
    "RATELIMIT_LOGIN": "10 per minute;50 per hour",
    "LOGIN_SLOWDOWN_AFTER": 10,  # failures of one account, from anywhere, before its tries are spaced out
    "LOGIN_SLOWDOWN_WINDOW": 15 * 60,  # seconds those failures are remembered
    "LOGIN_MAX_DELAY": 4,  # seconds at most between two tries of that account (others refused with 429)
    # An officer's real day: 5-20 visits, each sent once or twice (an edit, a lost answer), 1-5
    # photos each; a phone back after a month offline sends a few hundred visits in batches of 100.
    "RATELIMIT_SYNC": "30 per minute;300 per hour",
    "RATELIMIT_SYNC_VISITS": "2000 per hour;5000 per day",
    "RATELIMIT_PHOTOS": "60 per minute;1000 per hour",
    # Megapixels decoded per officer: the phone's photos are 2 MP at most, so this is 60 of them a minute,
    # while a client sending 8 MP PNGs is held to about 15 (a quarter of a core).
    "RATELIMIT_PHOTO_MEGAPIXELS": "120 per minute;2000 per hour",
}

TESTING: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    # Hashing at the production cost makes every test login take a third of a second;
    # tests/test_auth.py checks that the production default stays at OWASP's floor.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "RATELIMIT_ENABLED": False,
    "FIELDWORK_BASE_URL": "http://localhost",
}
