"""Locale choice and the es_CO formatting filters used by templates."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.numbers import format_currency, format_decimal
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale, refresh

FORMAT_LOCALES = {"es": "es_CO", "en": "en_US"}


def select_locale() -> str:
    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["FIELDWORK_TIMEZONE"]


def _format_locale() -> str:
    return FORMAT_LOCALES.get(str(get_locale() or "es"), "es_CO")


def cop(value: int | None) -> str:
    """Pesos as a Colombian reads them: `$ 1.250.000` (no centavos)."""
    if value is None:
        return "—"
    return format_currency(value, "COP", locale=_format_locale(), format="¤ #,##0", currency_digits=False)


def number(value: float | int | None) -> str:
    if value is None:
        return "—"
    return format_decimal(value, locale=_format_locale())


#: One date and one date-and-time format everywhere, with four-digit years ("5 mar 2026, 14:30"); the
#: offline app's static/js/i18n.js writes the same. Babel's "short" and "medium" styles (two-digit years,
#: seconds, a.m./p.m.) map onto them; "long" and "full" stay for headings ("jueves, 5 de marzo de 2026").
DAY_FORMAT = "d MMM y"
MOMENT_FORMAT = "d MMM y, HH:mm"
_ONE_FORMAT_STYLES = ("short", "medium")


def day(value: date | datetime | None, style: str = "medium") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return format_date(value, DAY_FORMAT if style in _ONE_FORMAT_STYLES else style)


def moment(value: datetime | None, style: str = "medium") -> str:
    if value is None:
        return "—"
    return format_datetime(value, MOMENT_FORMAT if style in _ONE_FORMAT_STYLES else style)


def _zone() -> Any:
    from fieldwork.clock import programme_zone

    return programme_zone()


def register_filters(app: Flask) -> None:
    app.add_template_filter(cop, "cop")
    app.add_template_filter(number, "number")
    app.add_template_filter(day, "day")
    app.add_template_filter(moment, "moment")
    register_labels(app)

    # Flask-Babel caches the locale on the app context; a request must read the browser's choice afresh
    # (an app context can outlive one request, as in the test client or a CLI that serves pages).
    app.before_request(refresh)

    @app.context_processor
    def inject_locale() -> dict[str, Any]:
        return {"current_locale": str(get_locale() or "es"), "request_path": request.path}


def register_labels(app: Flask) -> None:
    from fieldwork.text.labels import label

    app.add_template_global(label, "label")
