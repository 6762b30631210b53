"""Importing Mipymes from a spreadsheet (API.md "Mipymes", `POST /api/v1/mipymes/import`, and the registry page)."""
from __future__ import annotations

import base64
import io
import re
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fieldwork.extensions import db
from fieldwork.models import Mipyme, Neighborhood
from fieldwork.registry.nit import check_digit
from fieldwork.text.search import folded_name
from tests.builders import make_mipyme, make_user
from tests.conftest import form_token, login

URL = "/api/v1/mipymes/import"


def nit(base: str, dotted: bool = True) -> str:
    digits = f"{int(base):,}".replace(",", ".") if dotted else base
    return f"{digits}-{check_digit(base)}"


@pytest.fixture
def people(app, tmp_path):
    for name in ("Los Músicos", "Comuna 5"):
        db.session.add(Neighborhood(name=name, search_name=folded_name(name), kind="barrio"))
    db.session.commit()
    return {"officer": make_user("officer", username="ana.perez"), "supervisor": make_user("supervisor"),
            "admin": make_user("admin")}


@pytest.fixture
def supervisor(client, people):
    login(client, people["supervisor"])
    return client


def post(client, content: bytes, filename: str = "mipymes.csv", dry_run: str = "0", **kwargs):
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), filename),
                                       "dry_run": dry_run})
    return client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Mipyme))


def csv_bytes(rows: list[list[str]], separator: str = ",", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(separator.join(row) for row in rows).encode(encoding)


def test_utf8_csv_with_commas_creates_the_mipymes(supervisor, people):
    content = "\ufeff" + (
        "name,nit,ciiu,sector,owner_name,phone,address,neighborhood,officer,enrolled_on\n"
        f'"Cerámicas del Cesar, S.A.S.",{nit("900111222")},2393,Artesanías,Rosa Díaz,3001234567,'
        f'Calle 16 # 9-30,los musicos,ANA.PEREZ,15/03/2026\n'
        f"Panadería La Ñapa,{nit('901234567', dotted=False)},1081,alimentos,,,,Comuna 5,,2026-02-01\n")
    response = post(supervisor, content.encode("utf-8"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["created"], body["updated"], body["unchanged"], body["errors"], body["stored"]) == (2, 0, 0, {}, True)
    ceramicas = db.session.scalar(select(Mipyme).where(Mipyme.nit == f"900111222-{check_digit('900111222')}"))
    assert ceramicas.name == "Cerámicas del Cesar, S.A.S."
    assert (ceramicas.sector, ceramicas.neighborhood, ceramicas.ciiu) == ("artesanias", "Los Músicos", "2393")
    assert (ceramicas.officer_id, ceramicas.enrolled_on) == (people["officer"].id, date(2026, 3, 15))
    assert db.session.scalar(select(Mipyme.officer_id).where(Mipyme.name == "Panadería La Ñapa")) is None


def test_excel_latin1_csv_with_semicolons_and_spanish_headers(supervisor):
    rows = [["Nombre", "NIT", "Sector", "Teléfono", "Dirección", "Barrio", "Fecha de ingreso", "Notas"],
            ['"Confecciones Ñuñez; Hijos"', nit("800222333"), "confecciones", "300 555 1234", "Cra. 9 Nº 12-40",
             "Los Músicos", "01/02/2026", "cliente antiguo"]]
    response = post(supervisor, csv_bytes(rows, ";", "cp1252"))
    body = response.get_json()
    assert response.status_code == 200 and body["created"] == 1, body
    assert body["warnings"] == ["Columna «Notas» ignorada: no es un dato del registro."]
    stored = db.session.scalar(select(Mipyme))
    assert (stored.name, stored.address, stored.phone) == ("Confecciones Ñuñez; Hijos", "Cra. 9 Nº 12-40",
                                                           "300 555 1234")
    assert stored.enrolled_on == date(2026, 2, 1)


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_numbers_and_dates_as_excel_stores_them(supervisor):
    content = xlsx([["Nombre", "NIT", "CIIU", "Sector", "Teléfono", "Fecha de ingreso"],
                    [None],
                    ["Arepas Doña Mary", int(f"900111222{check_digit('900111222')}"), 111, "Alimentos", 3001234567,
                     datetime(2026, 1, 20)]])
    response = post(supervisor, content, "lista.xlsx")
    body = response.get_json()
    assert response.status_code == 200 and body["created"] == 1, body
    stored = db.session.scalar(select(Mipyme))
    assert (stored.nit, stored.ciiu, stored.phone, stored.enrolled_on) == (
        nit("900111222", False), "0111", "3001234567", date(2026, 1, 20))
    assert body["rows"][0]["row"] == 3  # the empty row 2 keeps the spreadsheet's numbering


def test_dry_run_previews_what_changes_and_stores_nothing(supervisor, people):
    existing = make_mipyme(None, name="Tienda El Vallenato", nit=nit("811000111", False), phone="111")
    content = csv_bytes([["nit", "name", "phone", "officer", "sector"],
                         [nit("811000111"), "Tienda El Vallenato", "3009998877", "ana.perez", ""],
                         [nit("900333444"), "Nueva", "", "", "turismo"]])
    body = post(supervisor, content, dry_run="1").get_json()
    assert (body["created"], body["updated"], body["stored"]) == (1, 1, False)
    updated = next(r for r in body["rows"] if r["action"] == "updated")
    assert updated["changes"] == {"phone": {"from": "111", "to": "3009998877"},
                                  "officer": {"from": None, "to": "ana.perez"}}
    db.session.expire_all()
    assert count() == 1 and db.session.get(Mipyme, existing.id).phone == "111"


def test_every_wrong_row_is_listed_and_nothing_is_stored(supervisor):
    good = [nit("900111222"), "Buena", "artesanias", "", ""]
    content = csv_bytes([["nit", "name", "sector", "officer", "enrolled_on"],
                         good,
                         ["900111222-0", "Dígito malo", "artesanias", "", ""],
                         [nit("900222333"), "Sin sector", "", "", ""],
                         [nit("900444555"), "Funcionario", "artesanias", "nadie", "31/02/2026"],
                         [nit("900111222"), "Repetida", "artesanias", "", ""],
                         ["", "Sin NIT", "artesanias", "", ""],
                         [nit("900666777"), "x" * 161, "artesanias", "", ""]])
    response = post(supervisor, content)
    body = response.get_json()
    assert response.status_code == 200 and body["stored"] is False
    errors = body["errors"]
    assert set(errors) == {"3", "4", "5", "6", "7", "8"}
    assert "dígito de verificación" in errors["3"][0]
    assert errors["4"] == ["Sector: Falta este dato obligatorio."]
    assert any("nadie" in m for m in errors["5"]) and any("no es una fecha" in m for m in errors["5"])
    assert "ya está en la fila 2" in errors["6"][0]
    assert "reconoce cada Mipyme por su NIT" in errors["7"][0]
    assert errors["8"] == ["Nombre: admite hasta 160 caracteres."]
    assert count() == 0  # not even the good row


def test_the_same_file_twice_changes_nothing_the_second_time(supervisor, people):
    content = csv_bytes([["nit", "name", "sector", "officer", "neighborhood"],
                         [nit("900111222"), "Uno", "artesanias", "ana.perez", "Los Músicos"],
                         [nit("900222333"), "Dos", "comercio", "", "Comuna 5"]])
    assert post(supervisor, content).get_json()["created"] == 2
    second = post(supervisor, content).get_json()
    assert (second["created"], second["updated"], second["unchanged"], second["errors"]) == (0, 0, 2, {})
    assert count() == 2


def test_an_update_by_nit_keeps_what_an_empty_cell_does_not_say(supervisor):
    mipyme = make_mipyme(None, name="Viejo nombre", nit=nit("900111222", False), phone="3001112233",
                         owner_name="Luis")
    body = post(supervisor, csv_bytes([["NIT", "Nombre", "Propietario", "Teléfono"],
                                       [nit("900111222"), "Nuevo nombre", "", ""]])).get_json()
    assert body["updated"] == 1 and body["rows"][0]["changes"] == {"name": {"from": "Viejo nombre",
                                                                            "to": "Nuevo nombre"}}
    db.session.expire_all()
    stored = db.session.get(Mipyme, mipyme.id)
    assert (stored.name, stored.phone, stored.owner_name) == ("Nuevo nombre", "3001112233", "Luis")


@pytest.mark.parametrize("role, status", [("officer", 403), ("owner", 403), ("supervisor", 200), ("admin", 200)])
def test_only_supervisors_and_admins_import(client, people, role, status):
    user = people.get(role) or make_user("owner", mipyme=make_mipyme(None))
    login(client, user)
    before = count()
    response = post(client, csv_bytes([["nit", "name", "sector"], [nit("900111222"), "X", "otro"]]))
    assert response.status_code == status
    assert count() == before + (1 if status == 200 else 0)


def test_without_a_session_the_api_answers_401(client, people):
    headers = {"X-CSRFToken": form_token(client, "/login")}
    assert post(client, b"nit\n", headers=headers).status_code == 401


def test_without_the_csrf_header_nothing_is_imported(supervisor):
    response = post(supervisor, csv_bytes([["nit", "name", "sector"], [nit("900111222"), "X", "otro"]]), csrf=False)
    assert response.status_code == 400 and count() == 0


def _bomb() -> bytes:
    out = io.BytesIO(xlsx([["nit"]]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.png", b"\0" * (51 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize("content, filename, message", [
    (b"nit,name\n" + b"a" * (5 * 1024 * 1024), "big.csv", "pasa de 5 MB"),
    (b"nit,name,sector\n" + b"900111222-5,X,otro\n" * 2001, "many.csv", "más de 2.000 filas"),
    (None, "bomb.xlsx", "50 MB"),
    (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "viejo.xls", "sin macros"),
    (b"PK\x03\x04 not really", "macros.xlsm", "sin macros"),
    (b"nombre,sector\nX,otro\n", "sin-nit.csv", "Falta la columna «NIT»"),
    (b"nit,nombre,name\n", "doble.csv", "Dos columnas dicen «Nombre»"),
    (b'nit,name\n"900111222-5,X\n' + b"y" * 200_000, "comilla.csv", "mal formado"),
    (b"PK\x03\x04" + b"\0" * 50, "roto.xlsx", "no se puede leer"),
    (b"   \n", "vacio.csv", "vacío"),
])
def test_a_file_that_cannot_be_imported_answers_400_with_the_reason(supervisor, content, filename, message):
    response = post(supervisor, _bomb() if content is None else content, filename)
    body = response.get_json()
    assert response.status_code == 400, body
    assert any(message in m for m in body["errors"]["file"]), body
    assert count() == 0


def test_dry_run_must_be_a_yes_or_no(supervisor):
    response = post(supervisor, b"nit\n", dry_run="quizas")
    assert response.status_code == 400 and "dry_run" in response.get_json()["errors"]


def _page_post(client, path: str, data: dict) -> object:
    return client.post(path, data=data, content_type="multipart/form-data")


def test_the_page_previews_then_imports_on_the_button(supervisor):
    token = form_token(supervisor, "/mipymes/import")
    content = csv_bytes([["Nombre", "NIT", "Sector"], ["Cacharrería La 16", nit("900111222"), "comercio"]], ";")
    preview = _page_post(supervisor, "/mipymes/import",
                         {"csrf_token": token, "file": (io.BytesIO(content), "lista.csv")})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Cacharrería La 16" in html and "Nueva" in html
    assert count() == 0
    previewed = re.search(r'name="content" type="hidden" value="([^"]+)"', html).group(1)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    # A file other than the one previewed (changed in the page) is refused: nothing is stored.
    other = base64.b64encode(content.replace(b"16", b"17")).decode()
    refused = supervisor.post("/mipymes/import/apply", data={"csrf_token": csrf, "content": other},
                              follow_redirects=True)
    assert "ya no está disponible" in refused.get_data(as_text=True) and count() == 0
    applied = supervisor.post("/mipymes/import/apply", data={"csrf_token": csrf, "content": previewed})
    assert applied.status_code == 302 and applied.headers["Location"].endswith("/mipymes")
    assert count() == 1
    again = supervisor.post("/mipymes/import/apply", data={"csrf_token": csrf, "content": previewed},
                            follow_redirects=True)
    assert "ya no está disponible" in again.get_data(as_text=True) and count() == 1


def test_the_page_lists_every_rows_errors_and_offers_no_import(supervisor):
    token = form_token(supervisor, "/mipymes/import")
    content = csv_bytes([["nit", "name", "sector"], ["900111222-0", "Mala", "otro"], [nit("900222333"), "", ""]])
    page = _page_post(supervisor, "/mipymes/import", {"csrf_token": token, "file": (io.BytesIO(content), "x.csv")})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "No se importó nada" in html
    assert "dígito de verificación" in html and "Escriba el nombre de la Mipyme" in html
    assert 'action="/mipymes/import/apply"' not in html and count() == 0


def test_the_page_refuses_a_post_without_its_csrf_token(supervisor):
    content = csv_bytes([["nit", "name", "sector"], [nit("900111222"), "X", "otro"]])
    page = supervisor.post("/mipymes/import", data={"file": (io.BytesIO(content), "x.csv")},
                           content_type="multipart/form-data", csrf=False)
    assert page.status_code == 400 and count() == 0


def test_officers_do_not_see_the_import_page(client, people):
    login(client, people["officer"])
    assert client.get("/mipymes/import").status_code == 403
    assert client.get("/mipymes/import/plantilla.csv").status_code == 403


def test_the_template_downloads_and_its_columns_are_all_read(supervisor):
    template = supervisor.get("/mipymes/import/plantilla.csv")
    assert template.status_code == 200 and template.data.startswith("\ufeff".encode())
    row = f"Tienda X;{nit('900111222')};;otro\r\n".encode()
    body = post(supervisor, template.data + row, "plantilla.csv", dry_run="1").get_json()
    assert body["warnings"] == [] and body["created"] == 1, body


_CELLS = st.one_of(st.sampled_from(["", "900.123.456-8", "900123456-0", "ana.perez", "artesanias", "Los Músicos",
                                    "31/02/2026", "2026-01-05", "1081", "111", '"', ";", "\n", "=1+1"]),
                   st.text(max_size=30))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(["nit", "Nombre", "Sector", "Barrio", "CIIU", "Funcionario",
                                        "Fecha de ingreso", "Teléfono", "otra", ""]), min_size=1, max_size=8),
       rows=st.lists(st.lists(_CELLS, max_size=9), max_size=6),
       dialect=st.sampled_from([(",", "utf-8"), (";", "cp1252"), (";", "utf-8-sig")]), noise=st.binary(max_size=40))
def test_no_spreadsheet_makes_the_import_fail_with_a_server_error(supervisor, header, rows, dialect, noise):
    separator, encoding = dialect
    text = "\n".join(separator.join(row) for row in [header, *rows])
    content = text.encode(encoding, errors="replace") + noise
    response = post(supervisor, content, dry_run="1")
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    assert count() == 0
