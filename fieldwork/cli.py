"""Flask CLI commands of API.md: create-user and seed-demo."""
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
    db.session.commit()
    click.echo(f"Usuario «{user.username}» creado con rol {user.role} (id {user.id}).")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load the Valledupar demo programme and print the demo logins (only into an empty database)."""
    from fieldwork.demo import DemoRefused, seed_demo

    try:
        logins = seed_demo()
    except DemoRefused as refusal:
        click.echo(str(refusal), err=True)
        raise SystemExit(1) from None
    click.echo(format_logins(logins))


def format_logins(logins: list[tuple[str, str, str]]) -> str:
    lines = ["", "Cuentas de demostración (usuario / contraseña — rol):"]
    lines += [f"  {username:<14} / {password:<14} — {role}" for username, password, role in logins]
    return "\n".join(lines) + "\n"


def register_cli(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
