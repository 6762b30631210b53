from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fieldwork.confirmation_links import share_links
from fieldwork.database import spanish_order
from fieldwork.extensions import db
from fieldwork.forms.display import answers_by_visit
from fieldwork.forms.posted import with_posted_answers
from fieldwork.forms.services import current_definition
from fieldwork.mipymes.flags import flag_day
from fieldwork.models import Mipyme, User, Visit
from fieldwork.registry.services import visible_mipymes
from fieldwork.services import ServiceError
from fieldwork.visits import bp
from fieldwork.visits.forms import VisitForm
from fieldwork.visits.messages import js_messages, shell_messages
from fieldwork.visits.officer_lists import my_visits_page, returned_ids, returned_visits
from fieldwork.visits.offline_limits import offline_limits
from fieldwork.visits.schemas import dump_visit
from fieldwork.visits.sync_service import sync_and_commit
from fieldwork.web.device import current_device
from fieldwork.web.form_errors import show_service_errors
from fieldwork.web.security import roles_required


@bp.get("/")
@roles_required("officer")
def home() -> Any:
    """The officer's agenda: their Mipymes needing a visit, most urgent first, then the rest."""
    from fieldwork.clock import programme_zone  # noqa: PLC0415 (kept inside: this file is shared)
    from fieldwork.visits.agenda import agenda  # noqa: PLC0415

    day = flag_day()
    items = agenda(current_user, day, programme_zone())
    returned = returned_visits(current_user)
    return render_template("visits/home.html", day=day, returned=returned,
                           returned_json=[dump_visit(v) for v in returned],
                           returned_ids=[[v.id, v.revision] for v in returned],
                           pending=[i for i in items if i.needs_visit],
                           up_to_date=[i for i in items if not i.needs_visit])


# --- The offline visit form and "Mis visitas" (issue 3) ---------------------------------------------

def _officer_mipymes() -> list[Mipyme]:
    """The active Mipymes assigned to the current officer, by name."""
    query = visible_mipymes(current_user).where(Mipyme.active.is_(True)).order_by(spanish_order(Mipyme.name), Mipyme.id)
    return list(db.session.scalars(query))


def _picker_items(mipymes: list[Mipyme]) -> list[dict[str, Any]]:
    # enrolled_on: the phone refuses a visit dated before it, as sync does (fieldwork/visits/sync.py).
    return [{"id": m.id, "name": m.name, "neighborhood": m.neighborhood or "", "sector": m.sector,
             "enrolled_on": m.enrolled_on.isoformat()} for m in mipymes]


@bp.route("/new", methods=["GET", "POST"])
@roles_required("officer")
def new_visit() -> Any:
    """The visit form. With JavaScript it saves to the phone's outbox (offline first); a browser without
    JavaScript posts it here, and it goes through the same sync service as the phones' batches."""
    mipymes = _officer_mipymes()
    form = VisitForm(mipymes)
    if request.method == "GET" and request.args.get("mipyme_id"):
        form.mipyme_id.data = request.args["mipyme_id"]  # the agenda's "Registrar visita" picks the Mipyme
    if form.validate_on_submit():
        try:  # the same service as the phones' batches, lock retry included
            payload = with_posted_answers(form.payload(), request.form)  # the programme's questions (forms-core)
            result = sync_and_commit(current_user, [payload], via="web", device=current_device())[0]
        except ServiceError as error:
            show_service_errors(form, error.errors, leftover=form.form_errors)
        else:
            if result.status != "rejected":
                flash(_("Visita guardada y enviada."), "success")
                return redirect(url_for("visits.my_visits"))
            show_service_errors(form, result.errors, leftover=form.form_errors)
    return render_template("visits/new.html", form=form, mipymes=_picker_items(mipymes),
                           returned_ids=returned_ids(current_user),
                           form_definition=current_definition(str(get_locale() or "es")))  # cached with the page


@bp.get("/mine")
@roles_required("officer")
def my_visits() -> Any:
    """The officer's visits: the ones still on the phone (drawn by JavaScript from IndexedDB) and the
    server's, a page at a time, with their review, the owner's confirmation and a read-only detail."""
    listing = my_visits_page(current_user, request.args.get("q", "")[:100], _page_number())
    return render_template("visits/mine.html", listing=listing, visits=listing.visits,
                           visit_json=[dump_visit(v) for v in listing.visits],
                           reviewers=_reviewer_names(listing.visits), returned_ids=returned_ids(current_user),
                           answers=answers_by_visit(listing.visits),
                           # In the page, so that sharing needs no round trip (the Web Share API wants the
                           # tap to be recent) and works from a page opened offline.
                           share_links=share_links(listing.visits),
                           mipymes=_picker_items(_officer_mipymes()))


def _reviewer_names(visits: list[Visit]) -> dict[int, str]:
    """Who reviewed each of `visits` (by user id): a returned visit's instruction is signed by its supervisor."""
    ids = {v.reviewed_by_id for v in visits if v.reviewed_by_id}
    if not ids:
        return {}
    return {user_id: name for user_id, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))}


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1  # "²".isdigit() is True


@bp.after_app_request
def name_the_session_user(response: Response) -> Response:
    """Tell the service worker whose pages these are (it keeps one person's pages on a shared phone)."""
    if response.mimetype in ("text/html", "application/json"):
        response.headers["X-Fieldwork-User"] = str(current_user.id) if current_user.is_authenticated else "anonymous"
    return response


@bp.app_context_processor
def offline_app_text() -> dict[str, Any]:
    """For templates: the offline app's UI text in the current language (`js_messages()`, and the part every
    page may need, `shell_js_messages()`) and its limits."""
    return {"js_messages": js_messages, "shell_js_messages": shell_messages, "offline_limits": offline_limits}

