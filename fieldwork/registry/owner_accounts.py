"""Owner accounts made from a Mipyme's edit page in the registry: listed there, added by the account service."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fieldwork.auth.services import create_user
from fieldwork.extensions import db
from fieldwork.models import Mipyme, User
from fieldwork.registry.forms import OwnerAccountForm

FORM_PREFIX = "owner"  # the Mipyme form on the same page has its own `name` field


def owner_accounts(mipyme: Mipyme) -> list[User]:
    """The accounts that speak for `mipyme`."""
    return list(db.session.scalars(
        select(User).where(User.role == "owner", User.mipyme_id == mipyme.id).order_by(User.username)
    ))


def owner_account_form(mipyme: Mipyme | None = None) -> OwnerAccountForm:
    """A fresh form (owner's name filled in from the registry), or the posted one when `mipyme` is None."""
    if mipyme is None:
        return OwnerAccountForm(prefix=FORM_PREFIX)
    return OwnerAccountForm(formdata=None, prefix=FORM_PREFIX, name=mipyme.owner_name)


def create_owner_account(mipyme: Mipyme, form: OwnerAccountForm, actor: User) -> User:
    """Create the owner account through the one account service; ServiceError keys match the form."""
    return create_user(form.username.data, form.password.data, "owner", name=form.name.data or mipyme.owner_name,
                       mipyme_id=mipyme.id, actor=actor, via="web")


def edit_page_context(mipyme: Mipyme, owner_form: OwnerAccountForm | None = None) -> dict[str, Any]:
    """What the Mipyme edit page needs to show its owner accounts and the form to add one."""
    return {"owner_form": owner_form or owner_account_form(mipyme), "owner_accounts": owner_accounts(mipyme)}
