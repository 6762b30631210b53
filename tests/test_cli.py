"""The Flask commands of API.md: create-user and seed-demo, as an operator runs them."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.demo.seed import demo_logins
from fieldwork.extensions import db
from fieldwork.models import AuditEntry, Mipyme, User, Visit
from tests.builders import make_mipyme, make_user
from tests.conftest import login

GOOD_PASSWORD = "vallenato-2025"  # noqa: S105  -- a test account


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def create_user(runner, *args: str, password: str | None = GOOD_PASSWORD, prompt_input: str | None = None):
    # env None removes FIELDWORK_PASSWORD, so that the command has to ask.
    return runner.invoke(args=["create-user", *args], env={"FIELDWORK_PASSWORD": password}, input=prompt_input)


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin"])
def test_create_user_in_each_staff_role_can_then_log_in(runner, client, role):
    result = create_user(runner, "Lucia.Ramos", "--role", role, "--name", "Lucía Ramos")
    assert result.exit_code == 0, result.output
    assert "lucia.ramos" in result.output
    user = db.session.scalar(select(User).where(User.username == "lucia.ramos"))
    assert (user.role, user.name, user.mipyme_id, user.active) == (role, "Lucía Ramos", None, True)
    assert login(client, "lucia.ramos", GOOD_PASSWORD)["user"]["role"] == role


def test_create_owner_bound_to_their_mipyme(runner, client):
    mipyme = make_mipyme(name="Mochilas Wayuu Kanas")
    result = create_user(runner, "yaneth", "--role", "owner", "--mipyme-id", str(mipyme.id))
    assert result.exit_code == 0, result.output
    assert login(client, "yaneth", GOOD_PASSWORD)["user"]["mipyme_id"] == mipyme.id


def test_created_user_is_audited_as_made_from_the_command_line(runner):
    create_user(runner, "lucia", "--role", "officer")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.created"))
    assert entry.via == "cli"


@pytest.mark.parametrize("args, password, message", [
    (["dueno", "--role", "owner"], GOOD_PASSWORD, "Una cuenta de propietario necesita su Mipyme."),
    (["dueno", "--role", "owner", "--mipyme-id", "999"], GOOD_PASSWORD, "No existe una Mipyme con ese número."),
    (["lucia", "--role", "officer", "--mipyme-id", "1"], GOOD_PASSWORD,
     "Solo las cuentas de propietario se vinculan a una Mipyme."),
    (["lucia", "--role", "officer"], "corta7", "La contraseña debe tener al menos 8 caracteres."),
    (["lucia", "--role", "officer"], "", "La contraseña debe tener al menos 8 caracteres."),
    (["lucía ramos", "--role", "officer"], GOOD_PASSWORD, "Use de 1 a 64 letras, números, punto, guion"),
])
def test_create_user_refusals_explain_in_spanish_and_create_nothing(runner, args, password, message):
    result = create_user(runner, *args, password=password)
    assert result.exit_code == 1
    assert message in result.stderr
    assert count(User) == 0


def test_duplicate_username_is_refused(runner):
    make_user("officer", username="lucia")
    result = create_user(runner, "Lucia", "--role", "supervisor")
    assert result.exit_code == 1
    assert "Ese nombre de usuario ya existe." in result.stderr
    assert count(User) == 1


def test_unknown_role_is_refused_by_the_option(runner):
    result = create_user(runner, "lucia", "--role", "jefe")
    assert result.exit_code == 2
    assert "officer" in result.output and "supervisor" in result.output
    assert count(User) == 0


def test_password_is_asked_twice_when_not_in_the_environment(runner, client):
    result = create_user(runner, "lucia", "--role", "officer", password=None,
                         prompt_input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Contraseña" in result.output and "Repita la contraseña" in result.output
    assert login(client, "lucia", GOOD_PASSWORD)


def test_mistyped_repeat_asks_again(runner, client):
    result = create_user(runner, "lucia", "--role", "officer", password=None,
                         prompt_input=f"{GOOD_PASSWORD}\nvallenato-2026\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert login(client, "lucia", GOOD_PASSWORD)


def test_short_prompted_password_is_refused(runner):
    result = create_user(runner, "lucia", "--role", "officer", password=None, prompt_input="corto\ncorto\n")
    assert result.exit_code == 1
    assert "al menos 8 caracteres" in result.stderr
    assert count(User) == 0


def test_seed_demo_loads_the_programme_and_prints_every_login(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for username, password, _role in demo_logins():
        line = next(line for line in result.output.splitlines() if line.split()[:1] == [username])
        assert password in line
    assert "Supervisión" in result.output and "Equipo de campo" in result.output
    assert 35 <= count(Mipyme) <= 45
    assert count(Visit) > 100


def test_seed_demo_refuses_a_database_that_already_has_users(runner):
    make_user("admin", username="jefa")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "ya tiene datos" in result.stderr
    assert (count(User), count(Mipyme), count(Visit)) == (1, 0, 0)


def test_seed_demo_refuses_a_database_that_already_has_mipymes(runner):
    make_mipyme(name="Quesería Real")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert (count(User), count(Mipyme)) == (0, 1)


def test_seed_demo_twice_is_refused_and_changes_nothing(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    before = (count(User), count(Mipyme), count(Visit), count(AuditEntry))
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "ya tiene datos" in result.stderr
    assert (count(User), count(Mipyme), count(Visit), count(AuditEntry)) == before


def test_if_empty_on_an_empty_database_seeds(runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "oficial1" in result.output
    assert count(Mipyme) >= 35


def test_if_empty_keeps_existing_data_and_exits_zero(runner):
    make_user("admin", username="jefa")
    make_mipyme(name="Quesería Real")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "ya tiene datos" in result.output
    assert "oficial1" not in result.output  # no demo accounts here: no logins to remind of
    assert (count(User), count(Mipyme), count(Visit)) == (1, 1, 0)


def test_if_empty_after_the_demo_reminds_the_logins_and_adds_nothing(runner):
    runner.invoke(args=["seed-demo"])
    before = (count(User), count(Mipyme), count(Visit))
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "ya tiene datos" in result.output and "demo-oficial-1" in result.output
    assert (count(User), count(Mipyme), count(Visit)) == before
