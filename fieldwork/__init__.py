"""Fieldwork: offline-capable field visits for a Mipyme support programme."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from fieldwork import config as settings
from fieldwork.config import PROJECT_ROOT


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the environment (tests pass a mapping)."""
    app = Flask(
        __name__,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
        instance_path=os.environ.get("FIELDWORK_INSTANCE_PATH") or os.path.join(PROJECT_ROOT, "instance"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(settings.DEFAULTS)
    app.config.update({k: v for k, v in settings.from_environment(app.instance_path).items() if v is not None})
    if config:
        app.config.update(config)
    _require_secret_key(app)

    register_extensions(app)
    register_input_guards(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_static_files(app)
    register_commands(app)
    return app


def _require_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing or os.environ.get("FLASK_DEBUG") == "1":
        app.config["SECRET_KEY"] = "dev-only-not-secret"  # noqa: S105 (debug and tests only; refused below otherwise)
        return
    raise RuntimeError("SECRET_KEY must be set outside debug and tests (see README, Production).")


def register_extensions(app: Flask) -> None:
    from fieldwork import (
        database,  # noqa: F401  (SQLite foreign keys and busy timeout on every connection)
        models,  # noqa: F401  (models must be known before Migrate looks)
    )
    from fieldwork.auth.session import configure_login
    from fieldwork.extensions import babel, csrf, db, limiter, migrate
    from fieldwork.text.i18n import select_locale, select_timezone
    from fieldwork.web import compression
    from fieldwork.web.throttle import register_honest_retry_after

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=os.path.join(PROJECT_ROOT, "translations"),
    )
    register_honest_retry_after(app)  # before the limiter, so that it runs after it
    limiter.init_app(app)
    configure_login(app)
    compression.init_app(app)


def register_input_guards(app: Flask) -> None:
    """Hostile input meets a 4xx, never a 500 (each case found by tests/test_fuzz_inputs.py)."""
    from flask import abort, request
    from flask.json.provider import DefaultJSONProvider
    from werkzeug.routing import IntegerConverter

    from fieldwork.models.types import MAX_ID
    from fieldwork.text.repair import has_nul, needs_repair, repair

    class DatabaseInteger(IntegerConverter):
        """`<int:...>` that cannot overflow the INTEGER id columns (a huge id in a URL was a 500).

        A number past INTEGER becomes 0, which no row has (ids start at 1), so the view answers
        404; a converter `max` would make werkzeug answer 405 to a PATCH whose GET twin exists.
        """

        def to_python(self, value: str) -> int:
            number = super().to_python(value)
            return number if number <= MAX_ID else 0

    class GuardedJSON(DefaultJSONProvider):
        """JSON nested past Python's stack is a bad body (it was a 500), and text the database cannot
        hold (NUL, lone surrogates) is repaired as a browser's UTF-8 encoder would, with U+FFFD."""

        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            try:
                data = super().loads(s, **kwargs)
            except RecursionError as error:
                raise ValueError("JSON nested too deeply") from error
            return repair(data) if needs_repair(s) else data

    @app.before_request
    def refuse_nul_in_forms() -> None:
        # PostgreSQL text cannot hold NUL; a form or query that carries one was a 500 on the first query.
        if has_nul(request.args) or (request.method != "GET" and has_nul(request.form)):
            abort(400)

    app.url_map.converters["int"] = DatabaseInteger
    app.json = GuardedJSON(app)


def register_blueprints(app: Flask) -> None:
    from fieldwork.api import bp as api_bp
    from fieldwork.auth import bp as auth_bp
    from fieldwork.core import bp as core_bp
    from fieldwork.forms.blueprint import bp as forms_bp
    from fieldwork.odata import bp as odata_bp
    from fieldwork.owners import bp as owners_bp
    from fieldwork.registry import bp as registry_bp
    from fieldwork.supervision import bp as supervision_bp
    from fieldwork.visits import bp as visits_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(registry_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(supervision_bp)
    app.register_blueprint(forms_bp)
    app.register_blueprint(owners_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(odata_bp, url_prefix="/odata/v1")


def register_error_handlers(app: Flask) -> None:
    from fieldwork.web.errors import register_error_handlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from fieldwork.text.i18n import register_filters

    register_filters(app)


def register_security_headers(app: Flask) -> None:
    from fieldwork.web.headers import register_headers

    register_headers(app)


def register_static_files(app: Flask) -> None:
    from fieldwork.web.static_files import register_static_files as register

    register(app)


def register_commands(app: Flask) -> None:
    from fieldwork.cli import register_cli

    register_cli(app)
