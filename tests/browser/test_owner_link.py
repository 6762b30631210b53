"""An owner without an account opens the shared link on a phone (390 px) and disputes the visit, or
confirms it with the owner code a supervisor generated for them (issue 16 item 5)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldwork import confirmation_links as links
from fieldwork.clock import utcnow
from fieldwork.extensions import db
from fieldwork.models import Visit
from fieldwork.owners import owner_code
from tests.browser.conftest import login_through_page, screenshot
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit


def _world():
    officer = make_user("officer", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato", owner_name="Rosa Mendoza")
    visit = make_visit(mipyme, officer, visited_at=datetime(2026, 3, 5, 15, 30, tzinfo=UTC),
                       topics=["produccion", "comercializacion"], production_units=120,
                       monthly_sales_cop=4_500_000, employees=4, needs="Capital de trabajo")
    return officer, mipyme, visit


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_owner_opens_link_on_a_phone_and_disputes_with_a_comment(live_server, page):
    _officer, _mipyme, visit = _world()
    page.goto(live_server.url + "/c/" + links.make_token(visit))
    assert page.locator("h1").inner_text() == "Calzado Vallenato"
    assert page.get_by_text("Lucía Ramos").is_visible() and page.get_by_text("Comercialización").is_visible()
    _no_sideways_scroll(page)
    screenshot(page, "owner-link-before-phone")

    # A dispute without a comment is refused beside the field, and nothing is stored.
    page.get_by_role("button", name="Disputar").click()
    assert page.locator(".field.has-error .error").inner_text().startswith("Para disputar la visita")
    page.fill("textarea[name=comment]", "Ese día no vino nadie; las ventas están mal anotadas.")
    page.get_by_role("button", name="Disputar").click()
    page.get_by_text("Registramos su desacuerdo").wait_for()  # after the redirect, not on the old page
    assert page.get_by_text("Respuesta registrada").is_visible()
    assert page.locator("button[name=decision]").count() == 0  # one decision only
    _no_sideways_scroll(page)
    screenshot(page, "owner-link-after-phone")
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert (stored.owner_confirmation, stored.confirmed_via) == ("disputed", "link")
    assert stored.owner_comment.startswith("Ese día no vino nadie")


def test_expired_link_page_on_a_phone(live_server, page):
    _officer, _mipyme, visit = _world()
    response = page.goto(live_server.url + "/c/" + links.make_token(visit, now=utcnow() - timedelta(days=31)))
    assert response.status == 410
    assert page.locator("h1").inner_text() == "Este enlace venció"
    _no_sideways_scroll(page)
    screenshot(page, "owner-link-expired-phone")


def test_owner_home_on_a_phone(live_server, page):
    officer, mipyme, visit = _world()
    make_visit(mipyme, officer, visited_at=datetime(2026, 1, 20, 14, 0, tzinfo=UTC), production_units=80,
               monthly_sales_cop=3_200_000, employees=3, owner_confirmation="confirmed",
               confirmed_at=datetime(2026, 1, 21, tzinfo=UTC), confirmed_via="account")
    make_user("owner", username="rosa", mipyme=mipyme, name="Rosa Mendoza")
    login_through_page(page, live_server.url, "rosa", PASSWORD)
    page.wait_for_url("**/owner/")
    assert page.locator(".trend svg.chart-line").count() == 3
    _no_sideways_scroll(page)
    screenshot(page, "owner-home-phone")
    card = page.locator(f"#visit-{visit.id}")
    card.locator("textarea").fill("Vendimos menos ese mes.")
    card.get_by_role("button", name="Disputar").click()
    page.locator(f"#visit-{visit.id} .badge.danger", has_text="Disputada").wait_for()
    assert "Vendimos menos ese mes." in page.locator(f"#visit-{visit.id} .owner-comment").inner_text()
    screenshot(page, "owner-home-after-dispute-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "owner-home-laptop")


def test_officer_copies_the_share_link_where_web_share_is_missing(live_server, browser):
    officer, _mipyme, visit = _world()
    officer_username = officer.username
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-CO",
                                  timezone_id="America/Bogota")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.add_init_script("delete Navigator.prototype.share;")  # as on most desktops: copy instead
    try:
        login_through_page(page, live_server.url, officer_username, PASSWORD)
        page.goto(live_server.url + "/visits/mine")
        card = page.locator(f"[data-visit-id='{visit.id}']")
        card.get_by_role("button", name="Compartir").click()
        status = card.locator("[data-share-status]")
        status.wait_for(state="visible")
        assert "Enlace copiado" in status.inner_text()
        copied = page.evaluate("navigator.clipboard.readText()")
        url = copied.split()[-1]
        assert url.startswith(live_server.url + "/c/") and "Calzado Vallenato" in copied
        assert "código del propietario" in copied  # the owner learns they need it before opening the link
        assert links.read_token(url.rsplit("/", 1)[-1]) == visit.id
        _no_sideways_scroll(page)
        screenshot(page, "officer-mine-share-phone")
    finally:
        context.close()


def test_link_page_on_a_laptop(live_server, browser):
    _officer, _mipyme, visit = _world()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CO")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/c/" + links.make_token(visit))
        assert page.get_by_role("button", name="Confirmar visita").is_visible()
        screenshot(page, "owner-link-before-laptop")
    finally:
        context.close()


def test_a_confirmation_link_is_never_kept_in_the_phones_cache(live_server, page):
    _officer, _mipyme, visit = _world()
    link = live_server.url + "/c/" + links.make_token(visit)
    page.goto(link)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(link)  # now through the service worker
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    kept = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
        }
        return urls;
    }""")
    assert kept, "the worker cached its shell"
    assert not [url for url in kept if "/c/" in url]


def test_owner_confirms_with_their_code_on_a_phone(live_server, page):
    _officer, mipyme, visit = _world()
    code = owner_code.generate(mipyme, make_user("supervisor"))
    db.session.commit()
    page.goto(live_server.url + "/c/" + links.make_token(visit))
    code_field = page.get_by_label("Código del propietario")
    assert code_field.is_visible() and code_field.get_attribute("inputmode") == "numeric"
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    code_field.fill(wrong)
    page.get_by_role("button", name="Confirmar visita").click()
    error = page.locator(".owner-code-field .error")
    error.wait_for()
    assert error.inner_text().startswith("El código no coincide con el de este negocio")
    assert page.get_by_label("Código del propietario").input_value() == ""
    _no_sideways_scroll(page)
    screenshot(page, "owner-link-wrong-code-phone")
    page.get_by_label("Código del propietario").fill(f"{code[:3]} {code[3:]}")
    page.get_by_role("button", name="Confirmar visita").click()
    page.get_by_text("Gracias. Su respuesta quedó registrada.").wait_for()
    assert page.get_by_text("Respuesta verificada").is_visible()
    _no_sideways_scroll(page)
    screenshot(page, "owner-link-confirmed-with-code-phone")
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).confirmed_via == "link_code"


def test_supervisor_generates_the_owner_code_on_a_phone(live_server, page):
    _officer, mipyme, _visit = _world()
    make_user("supervisor", username="supervisora")
    login_through_page(page, live_server.url, "supervisora", PASSWORD)
    page.goto(f"{live_server.url}/mipymes/{mipyme.id}/owner-code")
    assert page.get_by_text("Este negocio aún no tiene código.").is_visible()
    _no_sideways_scroll(page)
    screenshot(page, "owner-code-before-phone")
    page.get_by_role("button", name="Generar el código").click()
    shown = page.locator("[data-owner-code]")
    shown.wait_for()
    assert len(shown.inner_text().replace(" ", "")) == 6
    assert page.get_by_text("Rosa Mendoza", exact=False).first.is_visible()
    _no_sideways_scroll(page)
    screenshot(page, "owner-code-shown-phone")
