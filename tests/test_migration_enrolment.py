"""Migration 0003: existing Mipymes enrol on their registration day in Bogotá and get a history row."""
from __future__ import annotations

from datetime import date

from flask_migrate import upgrade
from sqlalchemy import text

from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db


def test_existing_mipymes_enrol_on_their_bogota_registration_day(tmp_path):
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "old.sqlite")})
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO users (id, username, name, role, password_hash, active, created_at, "
                                    "session_generation) VALUES (1, 'marta', 'Marta', 'officer', 'x', 1, "
                                    "'2026-01-01 12:00:00', 0)"))
            # Registered at 23:30 in Bogotá on 5 January: 04:30 on the 6th in UTC (stored naive UTC).
            for row_id, active in ((1, 1), (2, 0)):
                connection.execute(text(
                    "INSERT INTO mipymes (id, name, sector, owner_name, phone, address, neighborhood, officer_id, "
                    "active, created_at, updated_at) VALUES (:id, 'M', 'otro', '', '', '', '', 1, :active, "
                    "'2026-01-06 04:30:00', '2026-01-06 04:30:00')"), {"id": row_id, "active": active})
        upgrade()
        with db.engine.connect() as connection:
            days = connection.execute(text("SELECT enrolled_on FROM mipymes ORDER BY id")).scalars().all()
            history = connection.execute(text(
                "SELECT mipyme_id, effective_at, officer_id, active FROM mipyme_history ORDER BY mipyme_id")).all()
        db.engine.dispose()
    assert [date.fromisoformat(str(day)) for day in days] == [date(2026, 1, 5)] * 2
    assert [tuple(row) for row in history] == [(1, None, 1, 1), (2, None, 1, 0)]
