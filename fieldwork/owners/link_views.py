"""The public confirmation page behind a shared link: `/c/<token>`, one decision on one visit."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from fieldwork.extensions import db
from fieldwork.models import Visit
from fieldwork.owners import bp, links
from fieldwork.owners.confirmation import confirm_visit
from fieldwork.owners.forms import LinkConfirmationForm
from fieldwork.security import public
from fieldwork.services import ServiceError
from fieldwork.throttle import link_throttle


def _problem(kind: str, status: int) -> Any:
    """A clear Spanish page for a link that cannot be used; nothing changes."""
    return _private(render_template("owners/link_problem.html", kind=kind), status)


def _private(body: Any, status: int = 200) -> Any:
    # The page holds a CSRF token and its URL is a credential: keep it out of caches and other sites' Referer.
    # same-origin, not no-referrer: the page's own form must send a Referer, which Flask-WTF checks over HTTPS.
    return body, status, {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex"}


def _someone_else_logged_in(visit: Visit) -> bool:
    """Staff (or another business's owner) opening the link must not answer for the owner."""
    if not current_user.is_authenticated:
        return False
    return not (current_user.role == "owner" and current_user.mipyme_id == visit.mipyme_id)


@bp.route("/c/<token>", methods=["GET", "POST"])
@public
@link_throttle
def link_page(token: str) -> Any:
    """Show the visit and, while no answer exists yet, let the owner confirm or dispute it once."""
    try:
        visit_id = links.read_token(token)
    except links.LinkExpired:
        return _problem("expired", 410)
    except links.LinkInvalid:
        return _problem("invalid", 400)
    visit = db.session.get(Visit, visit_id, options=[joinedload(Visit.officer), joinedload(Visit.mipyme)])
    if visit is None:
        return _problem("invalid", 404)
    blocked = _someone_else_logged_in(visit)
    open_for_answer = visit.owner_confirmation == "pending" and visit.review_status != "approved" and not blocked
    form = LinkConfirmationForm()
    status = 200
    if request.method == "POST":
        if not open_for_answer:
            status = 409  # answered already, approved meanwhile, or not the owner: the page says which
        elif form.revision.data != str(visit.revision):
            form.decision.errors = [_("El funcionario modificó la visita mientras usted la leía. "
                                      "Revise los datos y responda de nuevo.")]
            status = 409
        else:
            try:
                confirm_visit(visit, form.decision.data, form.comment.data,
                              actor=current_user if current_user.is_authenticated else None,
                              via="link", only_if_pending=True)
            except ServiceError as error:
                db.session.rollback()
                for name, messages in error.errors.items():
                    target = getattr(form, name, None) or form.decision
                    target.errors = list(target.errors) + list(messages)
                status = error.status
                open_for_answer = visit.owner_confirmation == "pending" and visit.review_status != "approved"
            else:
                db.session.commit()
                flash(_("Gracias. Su respuesta quedó registrada.") if visit.owner_confirmation == "confirmed"
                      else _("Gracias. Registramos su desacuerdo; un supervisor lo revisará."), "success")
                return redirect(url_for("owners.link_page", token=token), code=303)
    form.revision.data = str(visit.revision)
    return _private(render_template("owners/link.html", visit=visit, form=form, open_for_answer=open_for_answer,
                                    blocked=blocked), status)


@bp.app_template_global("confirmation_link")
def confirmation_link(visit: Visit) -> dict[str, Any]:
    """For "Mis visitas": the link is rendered into the page, so that sharing needs no round trip
    (the Web Share API wants the user's tap to be recent) and works from a page opened offline."""
    return links.issue(visit)
