"""The officer's inputs for the newer question types (static/js/forms/widgets.js) in Chromium at phone size:
what the officer does becomes contract v3's answer, a stored answer shows again, every change tells the form,
the GPS works when allowed and typing takes over when it is refused, a photo answer is kept with the visit's
photos. Each widget is mounted alone in a page of the app, as render.js mounts it."""
from __future__ import annotations

import re
from typing import Any

import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from tests.browser.conftest import screenshot
from tests.browser.forms_helpers import png
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`: everything off and on)
    open_form,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`: a live server that can be stopped)
    stored_photos,
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import make_mipyme, make_user
from tests.forms.xlsform import question, xlsform

pytestmark = pytest.mark.browser

CHOICES = [{"name": "precio", "label": "Precio"}, {"name": "calidad", "label": "Calidad"},
           {"name": "cercania", "label": "Cercanía"}]
QUESTIONS = {
    "hora": {"name": "hora", "type": "time", "label": "Hora de apertura"},
    "cita": {"name": "cita", "type": "dateTime", "label": "Próxima cita"},
    "sitio": {"name": "sitio", "type": "geopoint", "label": "Ubicación del negocio"},
    "ruta": {"name": "ruta", "type": "geotrace", "label": "Recorrido de reparto"},
    "lote": {"name": "lote", "type": "geoshape", "label": "Lote del cultivo"},
    "foto": {"name": "foto", "type": "image", "label": "Foto de la fachada"},
    "acepta": {"name": "acepta", "type": "acknowledge", "label": "El propietario acepta el tratamiento de datos"},
    "nota": {"name": "nota", "type": "range", "label": "Satisfacción",
             "parameters": {"start": 0, "end": 10, "step": 2}},
    "orden": {"name": "orden", "type": "rank", "label": "Ordene lo que más pesa al comprar", "choices": CHOICES},
}

# Mounts widgets the way render.js does: a block per question, its label, the widget's node, in a form whose
# questions' container names the programme's zone. `window.events` records what the form hears.
MOUNT = """async ([questions, host, labelsOnly]) => {
  const main = document.querySelector('main');
  main.innerHTML = `<form class="visit-form"><p data-form-error hidden></p><section class="form-questions"
    data-form-questions data-zone="America/Bogota"></section>${host ? `<fieldset data-photos hidden><input type="file"
    data-photo-input><p data-photo-status></p><ul class="photo-list" data-photo-list></ul></fieldset>` : ''}</form>`;
  const form = main.querySelector('form');
  form.addEventListener('submit', (event) => event.preventDefault());
  const { widget, GROUPED } = await import('/static/js/forms/widgets.js');
  if (host) {
    const { initPhotos } = await import('/static/js/form-photos.js');
    window.draft = { id: '0b7c1b9e-6d0e-4a43-9a51-3f1b8f0e2a11' };
    window.photos = initPhotos(form, { officerId: '7', ownerNow: () => window.draft, keep: async () => {} });
  }
  const container = main.querySelector('[data-form-questions]');
  window.widgets = {};
  window.events = [];
  for (const type of ['input', 'change']) {
    container.addEventListener(type, (event) => window.events.push([type, event.target.name]));
  }
  for (const q of questions) {
    const made = widget(q, { id: `q-${q.name}`, name: `answers.${q.name}`, language: 'es' });
    const grouped = GROUPED.has(q.type) && !labelsOnly;
    const block = document.createElement(grouped ? 'fieldset' : 'div');
    block.className = 'field question';
    const label = document.createElement(grouped ? 'legend' : 'label');
    label.textContent = q.label;
    if (!grouped) label.htmlFor = `q-${q.name}`;
    block.append(label, made.node);
    container.append(block);
    window.widgets[q.name] = made;
  }
}"""


def mount(page: Any, base_url: str, *names: str, host: bool = False, labels_only: bool = False) -> Any:
    page.goto(base_url + "/offline", wait_until="domcontentloaded")
    page.add_style_tag(url="/static/css/forms.css")
    page.add_style_tag(url="/static/css/form-widgets.css")
    page.evaluate(MOUNT, [[QUESTIONS[n] for n in names], host, labels_only])
    return page


def read(page: Any, name: str) -> Any:
    return page.evaluate("(name) => window.widgets[name].read()", name)


def write(page: Any, name: str, value: Any) -> None:
    page.evaluate("([name, value]) => window.widgets[name].write(value)", [name, value])


def heard(page: Any, name: str) -> bool:
    """The form heard a bubbling input or change event from the answer's named element since the last call."""
    events = page.evaluate("() => window.events.splice(0)")
    return any(field == f"answers.{name}" for _, field in events)


def shot(page: Any, name: str) -> None:
    """A phone-size picture of the widget for people to look at (test-artifacts/widgets-<name>.png)."""
    screenshot(page, f"widgets-{name}")


def test_time_gets_its_seconds_and_a_half_typed_time_is_no_answer(live_server, page):
    mount(page, live_server.url, "hora")
    field = page.get_by_label("Hora de apertura")
    assert read(page, "hora") == {"value": None}
    field.fill("07:45")
    assert read(page, "hora") == {"value": "07:45:00"}
    assert heard(page, "hora")
    write(page, "hora", "18:20:30")
    assert field.input_value() == "18:20:30"
    assert read(page, "hora") == {"value": "18:20:30"}
    field.fill("")
    field.focus()
    page.keyboard.type("09")  # hours only: the browser holds no value, which is not "unanswered"
    assert read(page, "hora") == {"error": True}
    shot(page, "time")


def test_datetime_is_read_on_bogotas_clock_whatever_the_phones_zone(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-CO", timezone_id="Europe/Madrid")
    try:
        page = mount(context.new_page(), live_server.url, "cita")
        page.get_by_label("Próxima cita").fill("2026-03-02T21:30")
        assert read(page, "cita") == {"value": "2026-03-02T21:30:00-05:00"}
        assert heard(page, "cita")
        write(page, "cita", "2026-03-03T02:00:00Z")  # 21:00 of the 2nd in Bogotá
        assert page.get_by_label("Próxima cita").input_value() == "2026-03-02T21:00"
        assert page.locator(".widget-zone").inner_text() == "Hora del programa (UTC-05:00)."
        shot(page, "datetime")
    finally:
        context.close()


def test_geopoint_from_the_gps_shows_its_accuracy(live_server, context, page):
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 4.7110123, "longitude": -74.0721456, "accuracy": 12})
    mount(page, live_server.url, "sitio")
    page.get_by_role("button", name="Tomar ubicación").click()
    status = page.locator(".widget-geopoint [role=status]")
    status.filter(has_text="± 12 m").wait_for()
    assert status.inner_text() == "Ubicación tomada: 4,711012, -74,072146 (± 12 m)."
    assert read(page, "sitio") == {"value": {"lat": 4.711012, "lon": -74.072146, "accuracy_m": 12}}
    assert heard(page, "sitio")
    page.get_by_role("button", name="Escribir las coordenadas").click()
    shot(page, "geopoint")
    # Typing over the GPS's coordinates: the answer is what is typed, without the GPS's accuracy.
    page.get_by_label("Longitud").fill("-74,08")
    assert read(page, "sitio") == {"value": {"lat": 4.711012, "lon": -74.08}}
    page.get_by_role("button", name="Borrar respuesta").click()
    assert read(page, "sitio") == {"value": None}


def test_geopoint_refused_by_the_phone_is_typed_by_hand_and_ambiguous_numbers_are_refused(live_server, context, page):
    context.clear_permissions()
    mount(page, live_server.url, "sitio")
    page.get_by_role("button", name="Tomar ubicación").click()
    status = page.locator(".widget-geopoint [role=status]")
    status.filter(has_text="permiso").wait_for()
    assert page.get_by_role("button", name="Intentar de nuevo").is_visible()
    latitude, longitude = page.get_by_label("Latitud"), page.get_by_label("Longitud")
    assert latitude.is_visible()  # the manual entry opens by itself
    latitude.fill("4.711.000")
    longitude.fill("-74,0721")
    assert read(page, "sitio")["error"] is True
    problem = page.locator(".widget-geopoint .widget-problem")
    assert problem.inner_text() == ("Use un solo separador decimal (punto o coma) y no separe miles: "
                                    "por ejemplo 4,7110.")
    assert latitude.input_value() == "4.711.000"  # kept as typed, never rewritten
    latitude.fill("4.711")
    latitude.blur()
    assert problem.is_hidden()
    assert read(page, "sitio") == {"value": {"lat": 4.711, "lon": -74.0721}}
    assert heard(page, "sitio")
    shot(page, "geopoint-denied")
    # The visit form clears its errors when it shows another draft: the widget still explains the next time.
    page.evaluate("() => import('/static/js/form-widgets.js')"
                  ".then((m) => m.clearErrors(document.querySelector('form')))")
    latitude.fill("4,711.5")
    latitude.blur()
    assert problem.is_visible()


def test_geotrace_collects_gps_and_typed_points_and_a_point_can_go(live_server, context, page):
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 4.6, "longitude": -74.1, "accuracy": 8})
    mount(page, live_server.url, "ruta")
    page.get_by_role("button", name="Agregar ubicación actual").click()
    page.locator(".widget-points li").first.wait_for()
    assert read(page, "ruta")["error"] is True  # one point is no line
    assert heard(page, "ruta")
    page.get_by_role("button", name="Escribir las coordenadas").click()
    page.get_by_label("Latitud").fill("4,61")
    page.get_by_label("Longitud").fill("-74,09")
    page.get_by_role("button", name="Agregar punto escrito").click()
    assert read(page, "ruta") == {"value": [{"lat": 4.6, "lon": -74.1, "accuracy_m": 8}, {"lat": 4.61, "lon": -74.09}]}
    assert page.locator(".widget-count").inner_text() == "2 puntos"
    shot(page, "geotrace")
    page.get_by_role("button", name="Quitar punto 1").click()
    assert read(page, "ruta")["error"] is True
    assert page.locator(".widget-count").inner_text() == "1 punto"


def test_geoshape_closes_itself_and_a_stored_shape_shows_each_corner_once(live_server, page):
    mount(page, live_server.url, "lote")
    corners = [{"lat": 4.6, "lon": -74.1}, {"lat": 4.61, "lon": -74.1}, {"lat": 4.61, "lon": -74.09}]
    write(page, "lote", [*corners, corners[0]])
    assert page.locator(".widget-points li").count() == 3
    assert read(page, "lote") == {"value": [*corners, corners[0]]}
    page.get_by_role("button", name="Quitar punto 3").click()
    assert read(page, "lote")["error"] is True
    assert heard(page, "lote")
    shot(page, "geoshape")


def test_image_on_the_preview_is_shrunk_and_shown_and_nothing_is_stored(live_server, page):
    mount(page, live_server.url, "foto")
    page.set_input_files(".widget-image input[type=file]", files=[{"name": "fachada.png", "mimeType": "image/png",
                                                                     "buffer": png()}])
    page.get_by_role("button", name="Cambiar foto").wait_for()
    photo_id = read(page, "foto")["value"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", photo_id)
    assert heard(page, "foto")
    assert page.locator(".widget-thumb").evaluate("(img) => img.complete && img.naturalWidth") == 1200
    shot(page, "image")
    page.get_by_role("button", name="Quitar").click()
    assert read(page, "foto") == {"value": None}
    assert page.locator(".widget-thumb").is_hidden()  # no empty frame where the photo was
    assert page.get_by_role("button", name="Tomar foto").is_visible()
    assert page.evaluate("indexedDB.databases().then((all) => all.map((d) => d.name))") == []


def test_image_on_the_visit_form_is_kept_with_the_drafts_photos_but_not_in_its_list(live_server, page):
    mount(page, live_server.url, "foto", host=True)
    page.set_input_files(".widget-image input[type=file]", files=[{"name": "fachada.png", "mimeType": "image/png",
                                                                     "buffer": png(3200, 2400)}])
    page.evaluate("() => window.photos.idle()")  # what "Guardar visita" waits for
    photo_id = read(page, "foto")["value"]
    stored = page.evaluate("""() => import('/static/js/store.js').then((s) => s.photosFor(window.draft.id))
      .then((all) => all.map((p) => ({ id: p.id, question: p.question, width: p.width, state: p.state })))""")
    assert stored == [{"id": photo_id, "question": "answers.foto", "width": 1600, "state": "draft"}]
    assert page.locator("[data-photo-list] li").count() == 0  # the visit's own photo list leaves it out
    # A draft reopened: the stored photo shows again from the phone.
    write(page, "foto", None)
    write(page, "foto", photo_id)
    page.get_by_role("button", name="Cambiar foto").wait_for()
    assert page.locator(".widget-thumb").get_attribute("src").startswith("blob:")
    # "Cambiar foto": the new one is kept, the one it replaced is not sent.
    page.set_input_files(".widget-image input[type=file]", files=[{"name": "otra.png", "mimeType": "image/png",
                                                                     "buffer": png(800, 600)}])
    page.wait_for_function("(old) => window.widgets.foto.read().value !== old", arg=photo_id)
    page.evaluate("() => window.photos.idle()")
    ids = page.evaluate("() => import('/static/js/store.js').then((s) => s.photosFor(window.draft.id))"
                        ".then((all) => all.map((p) => p.id))")
    assert ids == [read(page, "foto")["value"]]


def test_acknowledge_is_ok_or_nothing(live_server, page):
    mount(page, live_server.url, "acepta")
    box = page.get_by_label("El propietario acepta el tratamiento de datos")
    box.check()
    assert read(page, "acepta") == {"value": "OK"}
    assert heard(page, "acepta")
    box.uncheck()
    assert read(page, "acepta") == {"value": None}
    write(page, "acepta", "OK")
    assert box.is_checked()
    shot(page, "acknowledge")


def test_range_is_unanswered_until_touched_and_steps_with_big_buttons(live_server, page):
    mount(page, live_server.url, "nota")
    shown = page.locator(".widget-range-value")
    assert shown.inner_text() == "Sin responder"
    assert read(page, "nota") == {"value": None}
    shot(page, "range-untouched")
    plus = page.get_by_role("button", name="Más")
    box = plus.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    plus.click()
    assert read(page, "nota") == {"value": 2}
    assert shown.inner_text() == "2"
    assert heard(page, "nota")
    slider = page.get_by_label("Satisfacción")
    slider.focus()
    page.keyboard.press("End")
    assert read(page, "nota") == {"value": 10}
    page.get_by_role("button", name="Menos").click()
    assert read(page, "nota") == {"value": 8}
    assert slider.get_attribute("aria-valuetext") == "8"
    shot(page, "range")
    write(page, "nota", 4)
    assert shown.inner_text() == "4"
    write(page, "nota", None)
    assert read(page, "nota") == {"value": None}
    box = slider.bounding_box()
    page.mouse.click(box["x"] + 8, box["y"] + box["height"] / 2)  # on the thumb, at the start: still an answer
    assert read(page, "nota") == {"value": 0}
    assert heard(page, "nota")


def test_rank_orders_with_the_keyboard_and_answers_once_confirmed(live_server, page):
    mount(page, live_server.url, "orden")
    assert read(page, "orden") == {"value": None}
    page.get_by_role("button", name="Bajar «Precio»").focus()
    page.keyboard.press("Enter")  # Precio goes second; the focus stays on its ↓
    page.keyboard.press("Enter")  # … and third
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Subir «Precio»"
    assert page.locator(".widget-rank [role=status]").inner_text() == "«Precio» quedó en el puesto 3 de 3."
    assert read(page, "orden") == {"value": None}  # not answered until the officer confirms
    assert not heard(page, "orden")
    shot(page, "rank")
    page.get_by_role("button", name="Confirmar orden").click()
    assert read(page, "orden") == {"value": ["calidad", "cercania", "precio"]}
    assert heard(page, "orden")
    page.get_by_role("button", name="Subir «Cercanía»").click()
    assert read(page, "orden") == {"value": ["cercania", "calidad", "precio"]}
    assert heard(page, "orden")
    for arrow in page.locator(".widget-rank-list button:visible").all():
        box = arrow.bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48
    write(page, "orden", ["precio", "cercania", "calidad"])
    assert page.locator(".widget-rank-label").all_inner_texts() == ["Precio", "Cercanía", "Calidad"]
    assert page.locator(".widget-rank-n").all_inner_texts() == ["1.", "2.", "3."]


def test_every_widget_fits_a_phone_and_its_targets_are_48px(live_server, page):
    mount(page, live_server.url, *QUESTIONS)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    small = page.evaluate("""() => [...document.querySelectorAll('.widget button:not([hidden]), .widget input')]
      .filter((n) => n.offsetParent && n.type !== 'file' && n.type !== 'checkbox')
      .map((n) => [n.textContent || n.type, n.getBoundingClientRect()])
      .filter(([, r]) => r.height < 48).map(([name]) => name)""")
    assert small == []
    shot(page, "all")


def test_a_question_label_for_its_id_never_renames_a_widgets_buttons(live_server, page):
    """Drawn with <label for=id> even where a legend is asked for, each button keeps its own words."""
    mount(page, live_server.url, *QUESTIONS, labels_only=True)
    for name in ("Tomar ubicación", "Tomar foto", "Confirmar orden", "Más"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1
    assert page.get_by_role("button", name="Agregar ubicación actual").count() == 2
    assert page.get_by_label("Hora de apertura").get_attribute("type") == "time"
    assert page.get_by_label("Satisfacción").get_attribute("type") == "range"


def test_a_moment_written_before_the_widget_is_in_the_page_shows_on_its_programmes_clock(live_server, page):
    """render.js writes a draft's answer before it places the block: the zone is known only then."""
    mount(page, live_server.url)
    shown = page.evaluate("""async () => {
      const { widget } = await import('/static/js/forms/widgets.js');
      const made = widget({ name: 'cita', type: 'dateTime' }, { id: 'q-cita', name: 'answers.cita' });
      made.write('2026-03-02T14:00:00Z');
      const place = Object.assign(document.createElement('section'), { className: 'form-questions' });
      place.dataset.zone = 'Europe/Madrid';
      place.append(made.node);
      document.querySelector('main').append(place);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return [document.getElementById('q-cita').value, made.read()];
    }""")
    assert shown == ["2026-03-02T15:00", {"value": "2026-03-02T15:00:00+01:00"}]


@pytest.fixture
def photo_form(app):
    """An officer with a Mipyme, and a published form that asks for a photo, a place and a time."""
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    supervisor = make_user("supervisor", username="sara")
    survey = [question("image", "fachada", "Foto de la fachada", required="yes"),
              question("geopoint", "sitio", "Ubicación del taller"),
              question("time", "apertura", "Hora de apertura")]
    workbook = xlsform(survey, None, {"form_title": "Fachadas", "form_id": "fachadas", "version": "1"})
    publish_form(supervisor, upload_form(supervisor, workbook, "fachadas.xlsx"))
    db.session.commit()
    return mipyme


def test_photo_answer_taken_offline_reaches_the_server_with_its_visit(server, network, context, page, photo_form):
    """The whole way: shrunk on the phone, kept with the draft offline, sent after its visit under the answer's id."""
    context.grant_permissions(["geolocation"], origin=server.url)
    context.set_geolocation({"latitude": 10.4631, "longitude": -73.2532, "accuracy": 9})
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, photo_form.id)
    page.set_input_files("[data-question=fachada] input[type=file]", files=[
        {"name": "fachada.png", "mimeType": "image/png", "buffer": png(3000, 2000)}])
    page.get_by_role("button", name="Cambiar foto").wait_for()
    page.get_by_role("button", name="Tomar ubicación").click()
    page.locator("[data-question=sitio] [role=status]").filter(has_text="± 9 m").wait_for()
    page.fill("[name='answers.apertura']", "08:30")
    assert page.locator("[data-photo-list] li").count() == 0  # the answer's photo is not one of the visit's own
    shot(page, "visit-form")
    visit_id = save_visit(page)
    network.on()
    wait_until_all_sent(page)
    [visit] = stored_visits()
    [photo] = stored_photos()
    assert visit.id == visit_id
    assert visit.answers == {"fachada": photo.id, "sitio": {"lat": 10.4631, "lon": -73.2532, "accuracy_m": 9},
                             "apertura": "08:30:00"}
    assert photo.visit_id == visit_id and max(photo.width, photo.height) == 1600


def test_widgets_are_styled_on_the_phone_offline(server, network, page, photo_form):
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    target = page.get_by_role("button", name="Tomar ubicación").bounding_box()
    assert page.locator("fieldset.widget-geopoint").evaluate("(node) => getComputedStyle(node).borderTopWidth") == "0px"
    assert target["height"] >= 48
