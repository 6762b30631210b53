"""`flask --app app forms upload FILE [--publish]`: the same upload and publication as the supervisors' page."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import case, select

from fieldwork.extensions import db
from fieldwork.forms import services
from fieldwork.forms.workbook_limits import MAX_BYTES
from fieldwork.models import User
from fieldwork.services import ServiceError

forms_cli = AppGroup("forms", help="El formulario del programa (XLSForm).")


def _uploader(username: str | None) -> User:
    """The named supervisor or admin, else the first active admin (then supervisor): someone answers for it."""
    query = select(User).where(User.active.is_(True), User.role.in_(services.MANAGERS))
    if username:
        query = query.where(User.username == username)
    user = db.session.scalar(query.order_by(case((User.role == "admin", 0), else_=1), User.id).limit(1))
    if user is None:
        raise click.ClickException(
            f"No hay un supervisor o administrador activo «{username}»." if username else
            "Cree primero un administrador: flask --app app create-user NOMBRE --role admin")
    return user


@forms_cli.command("upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publicar la versión al subirla.")
@click.option("--user", "username", default=None, help="Quién la sube (supervisor o administrador).")
def upload_command(file: Path, publish: bool, username: str | None) -> None:
    """Upload an XLSForm as a new version (and publish it with --publish)."""
    user = _uploader(username)
    with file.open("rb") as stream:  # one byte past the limit is enough for the service to refuse it
        content = stream.read(MAX_BYTES + 1)
    try:
        version = services.upload_form(user, content, file.name, via="cli")
    except ServiceError as error:
        db.session.rollback()
        click.echo(f"El formulario «{file.name}» no se guardó:", err=True)
        for message in error.errors.get("file", []):
            click.echo(f"  - {message}", err=True)
        raise SystemExit(1) from None
    if publish:
        services.publish_form(user, version, via="cli")
    # A command, not a request: its operator sees a lock error and runs it again, so it commits itself
    # (every view goes through fieldwork.services.commit_with_retry).
    db.session.commit()
    state = "publicada" if publish else "sin publicar"
    click.echo(f"Versión {version.id} ({version.form_id} {version.version}) guardada, {state}.")
