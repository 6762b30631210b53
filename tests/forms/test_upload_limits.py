"""API.md's upload limits: each hostile workbook is refused with its reason (sheet and row where there is
one), nothing is stored, and what the refusal costs is bounded: the bombs are refused before openpyxl or
pyxform hold them, which the peak memory of the upload shows."""
from __future__ import annotations

import tracemalloc
import zipfile
from io import BytesIO

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.forms.services import upload_form
from fieldwork.models import FormVersion
from fieldwork.services import ServiceError
from tests.builders import make_user
from tests.forms.fixtures import YES_NO
from tests.forms.xlsform import choice, legacy_xls, question, rewritten, xlsform

MB = 1024 * 1024


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def _refused(supervisor, content, filename="f.xlsx") -> tuple[list[str], int]:
    """The refusal's messages and the upload's peak memory; nothing may be stored."""
    tracemalloc.start()
    try:
        with pytest.raises(ServiceError) as refused:
            upload_form(supervisor, content, filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0
    return refused.value.errors["file"], peak


def _label_bomb(characters: int) -> bytes:
    """A form whose one label is `characters` long: it compresses to almost nothing."""
    book = xlsform([question("text", "nombre", "BOMBA")])
    return rewritten(book, "xl/worksheets/sheet1.xml", lambda xml: xml.replace("BOMBA", "A" * characters))


def test_a_workbook_that_inflates_past_50_mb_is_refused_before_anything_is_inflated(supervisor):
    content = _label_bomb(60 * MB)
    assert len(content) < 200_000
    messages, peak = _refused(supervisor, content)
    assert messages == ["El archivo descomprimido pasa de 50 MB; un XLSForm ocupa mucho menos. Quite las hojas, "
                        "imágenes o datos que no son del formulario."]
    assert peak < 5 * MB  # the 60 MB were never inflated


def test_a_cell_longer_than_excel_allows_is_refused_while_streaming_not_after_reading(supervisor):
    messages, peak = _refused(supervisor, _label_bomb(40 * MB))  # under 50 MB: only the cell limit stops it
    assert messages == ["Una celda pasa de 32.767 caracteres, el máximo de Excel; una etiqueta admite hasta 2.000."]
    assert peak < 5 * MB  # streamed in chunks: the 40 MB label was never held whole


def test_a_part_that_is_not_deflated_is_refused_unread(supervisor):
    book = xlsform([question("text", "nombre", "Nombre")])
    source = rewritten(book, "xl/media/relleno.bin", data=b"0" * 1000)
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(source)) as original, zipfile.ZipFile(out, "w") as target:
        for info in original.infolist():
            kind = zipfile.ZIP_BZIP2 if info.filename.endswith(".bin") else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, original.read(info), compress_type=kind)
    messages, _peak = _refused(supervisor, out.getvalue())
    assert messages == ["El archivo no se puede leer como hoja de cálculo .xlsx o .xls."]


def test_a_doctype_with_entities_is_refused_before_any_xml_reader_expands_them(supervisor):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    book = xlsform([question("text", "nombre", "Nombre")])
    content = rewritten(book, "xl/styles.xml", lambda xml: laughs + xml.split("?>", 1)[-1])
    messages, _peak = _refused(supervisor, content)
    assert messages == ["El archivo trae una declaración DOCTYPE, que un libro de Excel no lleva. Guárdelo de nuevo "
                        "desde Excel, LibreOffice o Google Sheets."]


def test_more_than_2000_survey_rows_are_refused_and_2000_are_read(supervisor):
    rows = [question("integer", f"p{n}", f"Pregunta {n}") for n in range(2001)]
    messages, _peak = _refused(supervisor, xlsform(rows))
    assert messages == ["Hoja survey: tiene 2.001 filas; el máximo es 2.000. Divida el formulario en varios."]
    version = upload_form(supervisor, xlsform(rows[:2000]), "f.xlsx")
    assert len(version.definition["questions"]) == 2000


def test_more_than_10000_choices_are_refused(supervisor):
    choices = [choice("barrios", f"b{n}", f"Barrio {n}") for n in range(10_001)]
    messages, _peak = _refused(supervisor, xlsform([question("select_one barrios", "barrio", "Barrio")], choices))
    assert messages == ["Hoja choices: tiene 10.001 filas; el máximo es 10.000. Divida el formulario en varios."]


def test_a_row_padded_out_to_column_xfd_is_refused_before_pyxform_walks_it(supervisor):
    book = xlsform([question("text", "nombre", "Nombre")])
    wide = rewritten(book, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        '</row><row r="2">', '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row><row r="2">'))
    messages, _peak = _refused(supervisor, wide)
    assert messages == ["Hoja survey: usa 16384 columnas; un XLSForm no necesita más de 256. Borre las columnas "
                        "que sobran."]


def test_more_cells_than_a_form_needs_are_refused_before_openpyxl_parses_them(supervisor):
    # 700 rows of 220 cells below the header row (3 cells) and the question (3): 154,006 cells.
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{_letters(c)}{r}"><v>1</v></c>' for c in range(1, 221))
                   + "</row>" for r in range(3, 703))
    book = xlsform([question("text", "nombre", "Nombre")])
    content = rewritten(book, "xl/worksheets/sheet1.xml", lambda xml: xml.replace("</sheetData>", rows + "</sheetData>",
                                                                                  1))
    messages, _peak = _refused(supervisor, content)
    assert messages == ["Las hojas del formulario tienen 154.006 celdas; el máximo es 150.000. Borre las filas y "
                        "columnas que sobran, o divida el formulario."]


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def test_a_legacy_xls_is_bounded_by_the_same_rows(supervisor):
    rows = [question("integer", f"p{n}", f"Pregunta {n}") for n in range(2001)]
    messages, _peak = _refused(supervisor, legacy_xls({"survey": rows}), "viejo.xls")
    assert messages == ["Hoja survey: tiene 2.001 filas; el máximo es 2.000. Divida el formulario en varios."]


@pytest.mark.parametrize(("row", "place"), [
    (question("text", "t", "x" * 2001), "Hoja survey, fila 3, columna label"),
    (question("text", "t", "T", **{"hint::English (en)": "x" * 2001}),
     "Hoja survey, fila 3, columna hint::English (en)"),
    (question("integer", "t", "T", constraint=". > 0", constraint_message="x" * 2001),
     "Hoja survey, fila 3, columna constraint_message"),
])
def test_a_text_over_2000_characters_is_refused_naming_its_row_and_column(supervisor, row, place):
    messages, _peak = _refused(supervisor, xlsform([question("text", "nombre", "Nombre"), row], YES_NO))
    assert messages == [f"{place}: el texto tiene 2.001 caracteres; el máximo es 2.000."]


def test_a_choice_label_over_2000_characters_is_refused_with_its_row_and_2000_are_read(supervisor):
    content = xlsform([question("select_one si_no", "s", "S")], [*YES_NO, choice("si_no", "nose", "x" * 2001)])
    messages, _peak = _refused(supervisor, content)
    assert messages == ["Hoja choices, fila 4, columna label: el texto tiene 2.001 caracteres; el máximo es 2.000."]
    content = xlsform([question("select_one si_no", "s", "x" * 2000)], [*YES_NO, choice("si_no", "nose", "x" * 2000)])
    version = upload_form(supervisor, content, "f.xlsx")
    assert version.definition["questions"][0]["choices"][2]["label"]["es"] == "x" * 2000


def test_a_question_name_that_no_answer_could_carry_is_refused_with_its_row(supervisor):
    messages, _peak = _refused(supervisor, xlsform([question("text", "n" * 201, "Nombre")]))
    assert messages == ["Hoja survey, fila 2: el nombre tiene 201 caracteres; el máximo es 200."]


@pytest.mark.parametrize("name", ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"])
def test_a_name_the_phone_would_read_as_an_object_property_is_refused(supervisor, name):
    messages, _peak = _refused(supervisor, xlsform([question("integer", name, "Cuántos")]))
    assert messages == [f"Hoja survey, fila 2: el nombre «{name}» está reservado: el teléfono lo confundiría con una "
                        f"propiedad propia de JavaScript. Use otro, por ejemplo «{name}_1»."]


def test_groups_nested_past_30_levels_are_refused_not_a_recursion_error(supervisor):
    """600 nested groups made pyxform and the definition's walk recurse past Python's limit: a 500."""
    rows = [question("begin_group", f"g{n}", f"G{n}") for n in range(600)] + [question("text", "t", "T")]
    messages, _peak = _refused(supervisor, xlsform(rows + [question("end_group", "")] * 600))
    assert messages[0] == ("Hoja survey, fila 32: los grupos y repeticiones se anidan a más de 30 niveles; saque "
                           "este de los que lo contienen.")
    nested_30 = [question("begin_group", f"g{n}", f"G{n}") for n in range(30)] + [question("text", "t", "T")]
    version = upload_form(supervisor, xlsform(nested_30 + [question("end_group", "")] * 30), "f.xlsx")
    assert len(version.definition["questions"]) == 61
