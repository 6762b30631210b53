"""The owner code's page: a supervisor or admin generates a Mipyme's code and sees it once, to hand it
to the owner directly (fieldwork/owners/owner_code.py). Officers never reach it: they share the link,
and the code is what they must not be able to type for the owner."""
from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask_login import current_user
from flask_wtf import FlaskForm

from fieldwork.extensions import db
from fieldwork.models import Mipyme
from fieldwork.owners import bp, owner_code
from fieldwork.services import commit_with_retry
from fieldwork.web.security import roles_required

CODE_ROLES = ("supervisor", "admin")


def _private(body: str) -> tuple[str, int, dict[str, str]]:
    # The code is on the page once: no cache keeps it, no other site sees this URL as Referer.
    return body, 200, {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}


@bp.get("/mipymes/<int:mipyme_id>/owner-code")
@roles_required(*CODE_ROLES)
def owner_code_page(mipyme_id: int) -> Any:
    """Whether the Mipyme has an owner code (never the code), and the button that makes a new one."""
    mipyme = db.session.get(Mipyme, mipyme_id) or abort(404)
    return _private(render_template("owners/owner_code.html", mipyme=mipyme, form=FlaskForm()))


@bp.post("/mipymes/<int:mipyme_id>/owner-code")
@roles_required(*CODE_ROLES)
def generate_owner_code(mipyme_id: int) -> Any:
    """Make a new code (the previous one stops working) and show it this once."""
    mipyme = db.session.get(Mipyme, mipyme_id) or abort(404)
    code = commit_with_retry(lambda: owner_code.generate(mipyme, current_user), "owner code")
    grouped = f"{code[:3]} {code[3:]}"  # read out and copied in two halves
    return _private(render_template("owners/owner_code_shown.html", mipyme=mipyme, code=grouped))
