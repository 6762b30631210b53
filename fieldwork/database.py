"""Connection settings that SQLite needs to behave like the PostgreSQL the app also runs on."""
from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked, per connection: without this a visit could point at nothing.
    cursor.execute("PRAGMA foreign_keys=ON")
    # Several gunicorn workers share the file: wait for a writer instead of failing with "database is locked".
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
