"""The public confirmation page behind a shared link: `/c/<token>`, one decision on one visit."""
from __future__ import annotations

import os
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from fieldwork import confirmation_links as links
from fieldwork.extensions import db
from fieldwork.forms.display import answers_by_visit
from fieldwork.models import Photo, User, Visit
from fieldwork.owners import bp, owner_code
from fieldwork.owners.confirmation import can_owner_answer, confirm_visit, speaker_refusal
from fieldwork.owners.forms import LinkConfirmationForm
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.visits.access import stored_id
from fieldwork.visits.photos import photo_path
from fieldwork.web.device import current_device, is_verified_answer
from fieldwork.web.security import public
from fieldwork.web.throttle import link_throttle


def _problem(kind: str, status: int) -> Any:
    """A clear Spanish page for a link that cannot be used; nothing changes."""
    return _private(render_template("owners/link_problem.html", kind=kind), status)


def _private(body: Any, status: int = 200) -> Any:
    # The page holds a CSRF token and its URL is a credential: keep it out of caches and other sites' Referer.
    # same-origin, not no-referrer: the page's own form must send a Referer, which Flask-WTF checks over HTTPS.
    return body, status, {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex"}


def _actor() -> User | None:
    return current_user if current_user.is_authenticated else None


def _linked_visit(token: str) -> Visit | Any:
    """The visit the token stands for, or the problem page to answer instead."""
    try:
        visit_id = links.read_token(token)
    except links.LinkExpired:
        return _problem("expired", 410)
    except links.LinkInvalid:
        return _problem("invalid", 400)
    visit = db.session.get(Visit, visit_id, options=[joinedload(Visit.officer), joinedload(Visit.mipyme),
                                                     selectinload(Visit.photos)])
    return visit if visit is not None else _problem("invalid", 404)


def _answered_via(visit: Visit, form: LinkConfirmationForm) -> str:
    """How this answer speaks: "link_code" with the right owner code, else "link". Refuses (nothing
    changes) a staff session before any code is tried, a wrong or too-often-tried code, and an answer
    without the code where only the code can still answer (an unverified answer is already stored)."""
    refusal = speaker_refusal(_actor(), visit)
    if refusal is not None:
        raise refusal
    if owner_code.proves_owner(visit, form.owner_code.data):
        return "link_code"
    if visit.mipyme.has_owner_code and not can_owner_answer(visit, "link") \
            and can_owner_answer(visit, "link_code"):
        raise ServiceError({"owner_code": [_(
            "Ya se registró una respuesta sin código para esta visita. Si usted es el propietario, escriba su "
            "código del propietario: su respuesta reemplazará esa.")]}, 409)
    return "link"


@bp.route("/c/<token>", methods=["GET", "POST"])
@public
@link_throttle
def link_page(token: str) -> Any:
    """Show what is being confirmed and, while it can still be answered, let the owner confirm or
    dispute it (with the owner code, the answer counts as the owner's)."""
    visit = _linked_visit(token)
    if not isinstance(visit, Visit):
        return visit
    form = LinkConfirmationForm()
    status = 200
    if request.method == "POST":
        if not form.validate():
            status = 400  # a revision that is not a number, or none: the page asks to reload
            form.show_at(form.decision)
        else:
            try:
                answered_via = _answered_via(visit, form)
                commit_with_retry(lambda: confirm_visit(
                    visit, form.decision.data, form.comment.data, actor=_actor(), answered_via=answered_via,
                    via="link", revision=form.read_revision(), device=current_device()), "link decision")
            except ServiceError as error:
                form.add_errors(error.errors, form.decision)
                status = error.status
            else:
                flash(_("Gracias. Su respuesta quedó registrada.") if visit.owner_confirmation == "confirmed"
                      else _("Gracias. Registramos su desacuerdo; un supervisor lo revisará."), "success")
                return redirect(url_for("owners.link_page", token=token), code=303)
        if form.owner_code.errors:
            form.owner_code.data = ""  # a refused code is not written back into the page
    form.present(visit.revision)
    refusal = speaker_refusal(_actor(), visit)
    has_code = visit.mipyme.has_owner_code
    by_link, by_code = can_owner_answer(visit, "link"), has_code and can_owner_answer(visit, "link_code")
    return _private(render_template(
        "owners/link.html", visit=visit, form=form, blocked=refusal.errors["decision"] if refusal else None,
        open_for_answer=(by_link or by_code) and refusal is None, has_code=has_code, code_only=by_code and not by_link,
        photo_url=lambda photo_id: url_for("owners.link_photo", token=token, photo_id=photo_id),
        answers=answers_by_visit([visit]),
    ), status)


@bp.get("/c/<token>/photos/<photo_id>")
@public
@link_throttle
def link_photo(token: str, photo_id: str) -> Any:
    """A photo of the linked visit, for whoever holds the link (and of no other visit)."""
    visit = _linked_visit(token)
    if not isinstance(visit, Visit):
        return visit
    photo = db.session.get(Photo, stored_id(photo_id))
    if photo is None or photo.visit_id != visit.id or not os.path.isfile(photo_path(photo)):
        abort(404)
    response = send_file(photo_path(photo), mimetype=photo.content_type, conditional=True, etag=photo.sha256,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"  # the link is the credential: keep nothing
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.app_template_global("owner_can_answer")
def owner_can_answer(visit: Visit, answered_via: str = "account") -> bool:
    """For templates: the one rule (fieldwork/owners/confirmation.py)."""
    return can_owner_answer(visit, answered_via)


@bp.app_template_global("owner_answer_verified")
def owner_answer_verified(visit: Visit) -> bool:
    """For templates: the answer came from the owner's account or with the owner code (fieldwork/web/device.py)."""
    return is_verified_answer(visit)


# The owner code's pages (generate, show once) belong with the link that asks for it.
from fieldwork.owners import owner_code_views  # noqa: E402,F401
