"""The factory, configuration, migrations, and the pages every visitor sees."""
from __future__ import annotations

import pytest

from fieldwork import create_app
from fieldwork.config import DEFAULTS, TESTING


def test_factory_reads_database_and_programme_settings_from_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/fw")
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("FIELDWORK_TIMEZONE", "America/Lima")
    monkeypatch.setenv("FIELDWORK_FOLLOW_UP_DAYS", "45")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/fw"
    assert app.config["SECRET_KEY"] == "s3cret"
    assert app.config["FIELDWORK_TIMEZONE"] == "America/Lima"
    assert app.config["FIELDWORK_FOLLOW_UP_DAYS"] == 45


def test_defaults_are_bogota_thirty_days_and_sqlite_in_instance(monkeypatch):
    for name in ("DATABASE_URL", "FIELDWORK_TIMEZONE", "FIELDWORK_FOLLOW_UP_DAYS"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"TESTING": True})
    assert app.config["FIELDWORK_TIMEZONE"] == "America/Bogota"
    assert app.config["FIELDWORK_FOLLOW_UP_DAYS"] == 30
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/fieldwork.sqlite")


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_password_hashing_default_meets_owasp_floor():
    method = DEFAULTS["PASSWORD_HASH_METHOD"]
    algorithm, digest, iterations = method.split(":")
    assert (algorithm, digest) == ("pbkdf2", "sha256")
    assert int(iterations) >= 600_000
    assert "PASSWORD_HASH_METHOD" in TESTING  # only tests trade cost for speed


def test_migrations_create_every_table(app):
    from sqlalchemy import inspect

    from fieldwork.extensions import db

    tables = set(inspect(db.engine).get_table_names())
    assert {"users", "mipymes", "visits", "photos", "audit_log", "alembic_version"} <= tables


def test_models_and_migrations_agree(app):
    """A model change without a migration fails here (what `flask db check` reports)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from fieldwork.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_manifest_makes_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    body = response.get_json()
    assert body["display"] == "standalone"
    assert body["start_url"].startswith("/")
    assert body["theme_color"]
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in body["icons"])
    for icon in body["icons"]:
        icon_response = client.get(icon["src"])
        assert icon_response.status_code == 200
        icon_response.close()


def test_service_worker_served_at_root_scope(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert "javascript" in response.mimetype
    assert response.headers["Service-Worker-Allowed"] == "/"
    response.close()


def test_login_page_is_spanish_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="es-CO"' in html
    assert "Iniciar sesión" in html
    assert 'name="username"' in html and 'name="password"' in html and 'type="submit"' in html


def test_language_switch_to_english(client):
    from tests.conftest import form_token

    token = form_token(client, "/login")
    response = client.post("/lang", data={"lang": "en", "next": "/login", "csrf_token": token})
    assert response.status_code == 302
    html = client.get("/login").get_data(as_text=True)
    assert "Log in" in html


def test_unknown_page_gets_spanish_error_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "No encontramos lo que busca." in response.get_data(as_text=True)


def test_unknown_api_path_gets_json_error(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]


def test_health_check_reaches_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def _failing_app(database, tmp_path):
    """An app with one extra route that writes a row and then fails, as a bug would."""
    from fieldwork.extensions import db
    from fieldwork.models import Mipyme
    from fieldwork.web.security import public

    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": database, "PHOTO_FOLDER": str(tmp_path)})

    @public
    def explode():
        db.session.add(Mipyme(name="Half-done", sector="otro"))
        db.session.flush()
        raise RuntimeError("bug")

    app.add_url_rule("/api/v1/explode", "explode", explode)
    app.add_url_rule("/explode", "explode_page", explode)
    return app


@pytest.mark.parametrize("path, is_json", [("/api/v1/explode", True), ("/explode", False)])
def test_unexpected_error_rolls_back_and_answers_500(app, database, tmp_path, path, is_json):
    from sqlalchemy import func, select

    from fieldwork.extensions import db
    from fieldwork.models import Mipyme

    failing = _failing_app(database, tmp_path)
    with failing.app_context():
        response = failing.test_client().get(path)
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 500
    assert response.is_json is is_json
    if not is_json:
        assert "Nada se guardó a medias" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Mipyme)) == 0


def test_officer_stays_logged_in_when_phone_changes_network(client):
    from tests.builders import make_user
    from tests.conftest import login

    login(client, make_user("officer"))
    response = client.get("/api/v1/session", environ_base={"REMOTE_ADDR": "181.50.1.1"},
                          headers={"User-Agent": "Mozilla/5.0 (Linux; Android 10)"})
    assert response.status_code == 200


def test_a_background_fetch_does_not_use_up_the_message_meant_for_the_person(client):
    from tests.builders import make_user
    from tests.conftest import login

    login(client, make_user("officer"))
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Visita guardada y enviada.")]
    # The service worker refreshing its offline copy of the page (a fetch, not a navigation)...
    background = client.get("/visits/mine", headers={"Sec-Fetch-Mode": "cors"}).get_data(as_text=True)
    assert "Visita guardada y enviada." not in background
    # ...leaves the message for the page the officer opens.
    shown = client.get("/visits/mine", headers={"Sec-Fetch-Mode": "navigate"}).get_data(as_text=True)
    assert "Visita guardada y enviada." in shown


def test_a_page_showing_a_one_time_message_is_not_kept_for_offline_use(client):
    from tests.builders import make_user
    from tests.conftest import login

    login(client, make_user("officer"))
    assert "no-store" not in client.get("/visits/mine").headers.get("Cache-Control", "")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Visita guardada y enviada.")]
    assert "no-store" in client.get("/visits/mine").headers.get("Cache-Control", "")
