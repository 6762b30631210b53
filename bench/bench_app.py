"""The app the page and dashboard benches measure: a fresh, empty schema on DATABASE_URL (PostgreSQL,
its public schema dropped and recreated) or on a new SQLite file, with the clock pinned to `now`."""
from __future__ import annotations

import os
import tempfile
from datetime import datetime

from flask import Flask
from sqlalchemy import text

from fieldwork import create_app
from fieldwork.config import TESTING, _normalise_database_url
from fieldwork.extensions import db


def fresh_app(now: datetime) -> tuple[Flask, str]:
    """(app, database URL) on an empty schema made from the models, ready to be populated."""
    url = os.environ.get("DATABASE_URL")
    url = _normalise_database_url(url) if url else f"sqlite:///{tempfile.mkdtemp(prefix='fw-bench-')}/bench.sqlite"
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url, "FIELDWORK_CLOCK": lambda: now})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
    return app, url
