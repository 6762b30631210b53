"""Flask CLI commands of API.md: create-user and seed-demo; and summary rebuild."""
from __future__ import annotations

import os

import click
from flask import Flask

from fieldwork.extensions import db
from fieldwork.models import ROLES
from fieldwork.services import ServiceError


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="officer, supervisor, owner or admin")
@click.option("--mipyme-id", type=int, default=None, help="The owner's Mipyme (owners only).")
@click.option("--name", default="", help="Full name.")
def create_user_command(username: str, role: str, mipyme_id: int | None, name: str) -> None:
    """Create a user; the password comes from FIELDWORK_PASSWORD or is asked twice."""
    from fieldwork.auth.services import create_user

    password = os.environ.get("FIELDWORK_PASSWORD")
    if password is None:
        password = click.prompt("Contraseña", hide_input=True, confirmation_prompt="Repita la contraseña")
    try:
        user = create_user(username, password, role, name=name, mipyme_id=mipyme_id, via="cli")
    except ServiceError as error:
        db.session.rollback()
        for field, messages in error.errors.items():
            for message in messages:
                click.echo(f"Error ({field}): {message}", err=True)
        raise SystemExit(1) from None
    # A command, not a request: its operator sees a lock error and runs it again, so it commits itself
    # (every view goes through fieldwork.services.commit_with_retry).
    db.session.commit()
    click.echo(f"Usuario «{user.username}» creado con rol {user.role} (id {user.id}).")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Si la base ya tiene datos, no cargar nada y terminar sin error (lo usa `make run`).")
def seed_demo_command(if_empty: bool) -> None:
    """Load the Valledupar demo programme and print the demo logins (only into an empty database)."""
    from fieldwork.demo.seed import DemoRefused, database_counts, demo_accounts_present, demo_logins, seed_demo

    if if_empty and any(database_counts()):
        # `make run` calls this on every start: keep the data and remind the user how to log in.
        click.echo("La base de datos ya tiene datos: no se cargó la demostración de nuevo.")
        if demo_accounts_present():
            click.echo(format_logins(demo_logins(), note="(si no ha cambiado las contraseñas)"))
        return
    try:
        logins = seed_demo()
    except DemoRefused as refusal:
        click.echo(f"Error: {refusal}", err=True)
        raise SystemExit(1) from None
    click.echo("Datos de demostración cargados: Mipymes de Valledupar con seis meses de visitas.")
    click.echo(format_logins(logins))


def format_logins(logins: list[tuple[str, str, str]], note: str = "") -> str:
    """The demo accounts as an aligned table: username, password, role (in Spanish)."""
    from fieldwork.text.labels import label

    user_width = max(len("usuario"), *(len(u) for u, _p, _r in logins))
    password_width = max(len("contraseña"), *(len(p) for _u, p, _r in logins))
    lines = ["", f"Cuentas de demostración {note}".rstrip() + ":",
             f"  {'usuario':<{user_width}}  {'contraseña':<{password_width}}  rol"]
    lines += [f"  {username:<{user_width}}  {password:<{password_width}}  {label('role', role)}"
              for username, password, role in logins]
    return "\n".join(lines) + "\n"


@click.group("summary")
def summary_group() -> None:
    """The per-Mipyme summary rows the dashboard, the agenda and the API read."""


@summary_group.command("rebuild")
def summary_rebuild_command() -> None:
    """Recompute every Mipyme's summary row from its visits (after restoring a backup, say)."""
    from fieldwork.mipymes.summary import rebuild

    rows = rebuild()
    db.session.commit()
    click.echo(f"Resumen recalculado: {rows} Mipymes con visitas.")


def register_cli(app: Flask) -> None:
    from fieldwork.forms.cli import forms_cli

    app.cli.add_command(create_user_command)
    app.cli.add_command(forms_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(summary_group)
