"""The officer's phone with a 150-question form, in Chromium at 4× CPU slowdown on Slow 4G (issue 18 item 12).

    .venv/bin/python bench/phone_bench.py [--runs 5] [--no-repeat]

A 150-question XLSForm (10 blocks of 15: 40 relevance expressions, 40 constraints, 10 calculates; and, where
the server accepts repeats, a repeat of 20 instances) is published; an officer logs in through the page in a
fresh Chromium profile (/usr/bin/chromium through Playwright) throttled by CDP: Emulation.setCPUThrottlingRate 4
and Network.emulateNetworkConditions with DevTools' "Slow 4G" (562.5 ms latency, 1.6 Mbit/s down, 750 kbit/s up,
each ×0.9 as DevTools does). The same is done first with no form published: the same page and the same
JavaScript without the programme's questions, the baseline of every ratio. Printed (medians of --runs):

- login → offline-ready: from pressing "Ingresar" until the worker holds the shell and the officer's pages
  (the service worker's own fetches are not throttled by a page's CDP session: this is the page's part);
- offline open: the server stopped and the browser offline, /visits/new from the worker's cache, from the
  navigation's start until the form is drawn and its draft started (form[data-ready]);
- input → next paint: one typed digit (a field expressions read) and one choice (a relevance gate), from the
  event's time to the first task after the next frame; the raw floor is the same keystroke in a bare <input>
  added to the cached /offline page (no handler of ours);
- online open on Slow 4G without the worker (every byte over the emulated network): the page's download
  (Navigation Timing, request sent → last byte) and the drawn form, compressed (fieldwork/web/compression.py)
  against the same app uncompressed, taken in turn; and the page's bytes each way;
- the officer's JavaScript: every .js the three officer pages (import()s included) and the worker load, once
  each, gzipped (level 6) and brotli; and each page's own. The worker precaches every static file besides.
"""
from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import brotli  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from fieldwork import create_app  # noqa: E402
from fieldwork.config import TESTING  # noqa: E402
from fieldwork.extensions import db  # noqa: E402
from fieldwork.forms.services import publish_form, upload_form  # noqa: E402
from fieldwork.models import User  # noqa: E402
from fieldwork.services import ServiceError  # noqa: E402
from fieldwork.web import compression  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, chromium_path  # noqa: E402
from tests.browser.offline_helpers import SwitchableServer  # noqa: E402
from tests.builders import PASSWORD, make_mipyme, make_user  # noqa: E402
from tests.forms.xlsform import choice, question, xlsform  # noqa: E402

SLOW_4G = {"offline": False, "latency": 150 * 3.75, "downloadThroughput": 1.6e6 / 8 * 0.9,
           "uploadThroughput": 750e3 / 8 * 0.9}
CPU_SLOWDOWN = 4
OFFICER_PAGES = ("/visits/", "/visits/new", "/visits/mine")

# Before any script of the page: when the form is ready, and each measured event's time to the next paint
# (rAF, then a message: the first task after the frame is painted). CDP-injected, so the CSP does not apply.
PROBE = """
window.__bench = { ready: null, paints: [], armed: null };
new MutationObserver(() => {
  if (window.__bench.ready === null && document.querySelector('form[data-visit-form][data-ready=true]'))
    window.__bench.ready = performance.now();
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
for (const type of ['input', 'click']) addEventListener(type, (event) => {
  if (window.__bench.armed !== type) return;
  const start = event.timeStamp;
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => window.__bench.paints.push(performance.now() - start);
    channel.port2.postMessage(0);
  });
}, true);
"""


def block(b: int) -> list[dict]:
    """15 questions: 4 behind a relevance, 4 with a constraint, 1 calculate."""
    return [
        question("begin_group", f"bloque{b}", f"Bloque {b + 1}: producción y ventas"),
        question("select_one si_no", f"activo{b}", "¿Produjo este mes?", required="yes"),
        question("integer", f"unidades{b}", "Unidades producidas", relevant=f"${{activo{b}}} = 'si'",
                 constraint=". >= 0", constraint_message="No puede ser negativo."),
        question("decimal", f"precio{b}", "Precio por unidad (miles de pesos)", relevant=f"${{activo{b}}} = 'si'",
                 constraint=". > 0 and . < 100000", constraint_message="Entre 0 y 100.000."),
        question("integer", f"empleados{b}", "Personas que trabajaron", constraint=". >= 0 and . <= 500"),
        question("select_multiple canal", f"canales{b}", "Canales de venta", constraint="count-selected(.) <= 3",
                 constraint_message="Elija como máximo tres canales."),
        question("text", f"producto{b}", "Producto principal", hint="Como lo llama el cliente."),
        question("date", f"fecha{b}", "Fecha de la última compra de insumos"),
        question("select_one nivel", f"nivel{b}", "Nivel de formalización", relevant=f"${{empleados{b}}} > 0"),
        question("integer", f"clientes{b}", "Clientes al mes"),
        question("integer", f"proveedores{b}", "Proveedores"),
        question("text", f"nota{b}", "Observación"),
        question("select_one si_no", f"credito{b}", "¿Tiene crédito vigente?"),
        question("integer", f"monto{b}", "Monto del crédito (pesos)", relevant=f"${{credito{b}}} = 'si'"),
        question("calculate", f"ventas{b}", calculation=f"${{unidades{b}}} * ${{precio{b}}}"),
        question("decimal", f"horas{b}", "Horas trabajadas al día"),
        question("end_group", f"bloque{b}"),
    ]


def repeat() -> list[dict]:
    return [question("begin_repeat", "productos", "Productos", repeat_count="20"),
            question("text", "nombre_producto", "Producto"),
            question("integer", "unidades_producto", "Unidades", constraint=". >= 0"),
            question("end_repeat", "productos")]


def workbook(with_repeat: bool) -> bytes:
    lists = {"si_no": ["si", "no"], "canal": ["tienda", "feria", "redes", "web", "mayorista"],
             "nivel": ["bajo", "medio", "alto"]}
    choices = [choice(name, value, value.capitalize()) for name, values in lists.items() for value in values]
    survey = [row for b in range(10) for row in block(b)] + (repeat() if with_repeat else [])
    return xlsform(survey, choices, {"form_title": "Producción Mipyme (150 preguntas)", "form_id": "bench150",
                                     "version": "1"})


def publish(supervisor, with_repeat: bool) -> str:
    """Publish the form; with the repeat when the server takes it. Says what was published."""
    if with_repeat:
        try:
            publish_form(supervisor, upload_form(supervisor, workbook(True), "bench150.xlsx"))
            db.session.commit()
            return "150 questions + a repeat of 20 instances"
        except ServiceError as error:
            db.session.rollback()
            print(f"  the server refused the repeat ({error}); measured without it")
    publish_form(supervisor, upload_form(supervisor, workbook(False), "bench150.xlsx"))
    db.session.commit()
    return "150 questions, no repeat"


def throttled(context, network: bool = True):
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    if network:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    return page


def login(page, url: str) -> float:
    """Log in through the page; ms from pressing the button until the form would open offline."""
    page.goto(url + "/login")
    page.fill("input[name=username]", "bench_officer")
    page.fill("input[name=password]", PASSWORD)
    start = time.perf_counter()
    page.click("button[type=submit]")
    page.wait_for_selector("html[data-offline-ready=true]", timeout=120_000)
    return (time.perf_counter() - start) * 1000


def open_form(page, url: str) -> float:
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__bench.ready !== null", timeout=60_000)
    return page.evaluate("window.__bench.ready")


def paints(page, action, kind: str, runs: int) -> list[float]:
    page.evaluate("([kind]) => { window.__bench.paints = []; window.__bench.armed = kind; }", [kind])
    for i in range(runs):
        action(i)
        page.wait_for_timeout(400)  # let a debounced draft save finish before the next one
    page.evaluate("() => { window.__bench.armed = null; }")
    return page.evaluate("window.__bench.paints")


def officer_js(page, server_url: str) -> dict[str, list[str]]:
    """The script URLs each officer page loaded (module graph and import()s included), and the worker."""
    found = {"worker": ["/service-worker.js"]}
    for path in OFFICER_PAGES:
        page.goto(server_url + path)
        page.wait_for_load_state("networkidle")
        found[path] = sorted({u.replace(server_url, "") for u in page.evaluate(
            "performance.getEntriesByType('resource').map((e) => e.name)") if u.split("?")[0].endswith(".js")})
    return found


def round_(browser, server, mipyme_id: int, runs: int, with_form: bool) -> dict:
    context = browser.new_context(viewport=PHONE, locale="es-CO", timezone_id="America/Bogota",
                                  service_workers="allow")
    context.add_init_script(PROBE)
    page = throttled(context)
    found = {"login_to_offline_ready": login(page, server.url)}
    form_url = f"{server.url}/visits/new?mipyme_id={mipyme_id}"
    js = officer_js(page, server.url) if with_form else {}
    page.goto(form_url)
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    context.set_offline(True)
    server.stop()
    found["offline_open"] = [open_form(page, form_url) for _ in range(runs)]
    typed = "textarea[name=notes]"
    found["paint_notes"] = paints(page, lambda i: page.type(typed, str(i % 10)), "input", runs * 2)
    if with_form:
        found["paint_digit"] = paints(page, lambda i: page.type("[name='answers.empleados0']", str(i % 9 + 1)),
                                      "input", runs * 2)
        found["paint_choice"] = paints(page, lambda i: page.check(
            f"[name='answers.activo0'][value={'si' if i % 2 == 0 else 'no'}]"), "click", runs * 2)
        page.goto(server.url + "/offline", wait_until="load")  # the cached shell page: no handler of ours
        page.evaluate("() => { const i = document.createElement('input'); i.id = 'bare';"
                      " document.querySelector('main').prepend(i); }")
        found["paint_raw"] = paints(page, lambda i: page.type("#bare", str(i % 10)), "input", runs * 2)
    server.start()
    context.close()
    found["js"] = js
    return found


# The page's own download, from Navigation Timing: request sent → last byte (the emulated network's part).
DOCUMENT = "() => { const n = performance.getEntriesByType('navigation')[0]; return n.responseEnd - n.requestStart; }"


def online_opens(browser, servers: dict, mipyme_id: int, runs: int) -> dict:
    """Per server: median ms to a drawn form and to the page's last byte over the throttled network, no worker
    (every request on the wire), the servers taken in turn so that the machine's load falls on both alike."""
    pages = {}
    for name, server in servers.items():
        context = browser.new_context(viewport=PHONE, locale="es-CO", service_workers="block")
        context.add_init_script(PROBE)
        page = throttled(context)
        page.goto(server.url + "/login")
        page.fill("input[name=username]", "bench_officer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        pages[name] = page
    found = {name: ([], []) for name in servers}
    for _ in range(runs):
        for name, page in pages.items():
            found[name][0].append(open_form(page, f"{servers[name].url}/visits/new?mipyme_id={mipyme_id}"))
            found[name][1].append(page.evaluate(DOCUMENT))
    for page in pages.values():
        page.context.close()
    return {name: (statistics.median(ready), statistics.median(document)) for name, (ready, document) in found.items()}


def warm(app) -> None:
    client = app.test_client()
    client.post("/login", data={"username": "bench_officer", "password": PASSWORD})
    for path in OFFICER_PAGES:
        client.get(path)


def sizes(app, loaded: dict[str, list[str]]) -> dict:
    """The form page's bytes; the officer's JavaScript (every page's and the worker's, once each) and each
    page's own, gzipped per file as WhiteNoise serves them."""
    client = app.test_client()
    client.post("/login", data={"username": "bench_officer", "password": PASSWORD})
    page = client.get("/visits/new").get_data()
    urls = sorted({url for found in loaded.values() for url in found})
    scripts = {u: client.get(u).get_data() for u in urls}
    packed = {u: len(gzip.compress(s, 6)) for u, s in scripts.items()}
    largest = sorted(((size, url) for url, size in packed.items()), reverse=True)[:6]
    return {"page": (len(page), len(gzip.compress(page, 6)), len(brotli.compress(page, quality=4))),
            "js": (sum(map(len, scripts.values())), sum(packed.values()),
                   sum(len(brotli.compress(s)) for s in scripts.values()), len(scripts)),
            "per_page": {path: (len(found), sum(packed[u] for u in found)) for path, found in loaded.items()},
            "largest": ", ".join(f"{url.rsplit('/', 1)[-1]} {size:,}" for size, url in largest)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-repeat", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        url = "sqlite:///" + os.path.join(folder, "bench.sqlite")
        config = {**TESTING, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False}
        app = create_app(config)
        compression.init_app(app)
        # The same app without compression, on the same database (the factory compresses since 7e60ee4).
        plain = create_app({**config, "COMPRESS_REGISTER": False})
        with app.app_context():
            upgrade()
            officer = make_user("officer", username="bench_officer")
            mipyme_id = make_mipyme(officer).id
            supervisor_id = make_user("supervisor").id
            db.session.commit()
        for each in (app, plain):  # templates compiled and caches filled before anything is timed
            warm(each)
        server, plain_server = SwitchableServer(app), SwitchableServer(plain)
        server.start()
        plain_server.start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            base = round_(browser, server, mipyme_id, args.runs, with_form=False)
            with app.app_context():
                what = publish(db.session.get(User, supervisor_id), not args.no_repeat)
            form = round_(browser, server, mipyme_id, args.runs, with_form=True)
            online = online_opens(browser, {"compressed": server, "plain": plain_server}, mipyme_id, args.runs)
            browser.close()
        with app.app_context():
            size = sizes(app, form["js"])
        server.stop()
        plain_server.stop()
    report(what, base, form, online, size)


def report(what, base, form, online, size) -> None:  # noqa: PLR0917 (one call, in main)
    med = statistics.median
    print(f"Form: {what}. Chromium at {CPU_SLOWDOWN}x CPU, Slow 4G; medians.")
    print(f"login -> offline-ready: {form['login_to_offline_ready']:.0f} ms "
          f"(no form: {base['login_to_offline_ready']:.0f} ms)")
    print(f"offline open: {med(form['offline_open']):.0f} ms (no form: {med(base['offline_open']):.0f} ms, "
          f"{med(form['offline_open']) / med(base['offline_open']):.2f}x)")
    raw = med(form["paint_raw"])
    for key, label in (("paint_digit", "digit in a question expressions read"),
                       ("paint_choice", "choice that gates relevance"), ("paint_notes", "digit in the notes")):
        values = form[key]
        print(f"input -> next paint, {label}: median {med(values):.1f} ms, max {max(values):.1f} ms "
              f"({med(values) / raw:.1f}x the bare input's {raw:.1f} ms)")
    print(f"  the same digit in the notes with no form: {med(base['paint_notes']):.1f} ms")
    (ready, document), (plain_ready, plain_document) = online["compressed"], online["plain"]
    print(f"online open on Slow 4G, no worker: the page's download {document:.0f} ms compressed, "
          f"{plain_document:.0f} ms not ({document / plain_document:.2f}x); form drawn {ready:.0f} ms, "
          f"{plain_ready:.0f} ms not ({ready / plain_ready:.2f}x)")
    page, js = size["page"], size["js"]
    print(f"/visits/new: {page[0]:,} bytes raw, {page[1]:,} gzip, {page[2]:,} brotli")
    print(f"officer JavaScript ({js[3]} files): {js[0]:,} bytes raw, {js[1]:,} gzip -6, {js[2]:,} brotli")
    print("  each page's own (gzip -6): " + ", ".join(f"{path} {files} files {packed:,}"
                                                      for path, (files, packed) in size["per_page"].items()))
    print(f"  largest gzipped: {size['largest']}")


if __name__ == "__main__":
    main()
