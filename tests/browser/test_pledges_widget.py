"""A partner's website embeds a campaign's counter; a partner copies the snippet.

The partner's page is served by a tiny server of its own on 127.0.0.1 while
Élan's live server answers on localhost: another site, so the frame shows only
if the widget may be framed by any site (and everything stays on the loopback).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from pledges.views.widget import FRAME_SIZES
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, visit
from tests.pledges.factories import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    return CampaignFactory(
        territory=territory,
        slug="a-velo",
        title="À vélo pour Solicycle",
        participants_goal=200,
        participants_count=143,
        deadline=timezone.now() + dt.timedelta(days=20),
    )


def partner_page(src: str) -> str:
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Association Solicycle</title></head>
<body><main><h1>Solicycle, l'atelier vélo de Crest</h1>
<p>Soutenez notre projet : engagez-vous à venir à vélo !</p>
<iframe src="{src}" title="Compteur des engagements : À vélo pour Solicycle"
 width="360" height="300" loading="lazy" style="border:0;max-width:100%"></iframe>
</main></body></html>"""


@pytest.fixture
def partner_site(live_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    body = partner_page(f"{live_server.url}/widget/val-de-drome/a-velo/").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/solicycle.html"
    server.shutdown()
    server.server_close()


def test_a_partner_site_shows_the_live_counter_in_a_frame(page, campaign, partner_site) -> None:  # type: ignore[no-untyped-def]
    assert not partner_site.startswith(page.elan_base_url)
    visit(page, partner_site)
    frame = page.frame_locator("iframe")
    counter = frame.locator("#compteur")
    counter.wait_for()
    assert counter.inner_text() == "143 engagé·es sur 200"
    bar = frame.get_by_role("progressbar", name="143 engagé·es sur 200")
    assert bar.is_visible()
    assert bar.get_attribute("aria-valuenow") == "72"
    link = frame.get_by_role("link", name="Je m'engage (s'ouvre dans un nouvel onglet)")
    assert link.get_attribute("target") == "_blank"

    # The widget opened on its own, in both themes, fits the frame the snippet suggests.
    for query, (width, height) in [
        ("", FRAME_SIZES[False]),
        ("?theme=sombre", FRAME_SIZES[False]),
        ("?compact=1", FRAME_SIZES[True]),
        ("?theme=sombre&compact=1", FRAME_SIZES[True]),
    ]:
        page.set_viewport_size({"width": width, "height": height})
        visit(page, f"/widget/val-de-drome/a-velo/{query}")
        assert page.title() == "À vélo pour Solicycle — compteur des engagements"
        assert page.get_by_role(
            "link", name="Je m'engage (s'ouvre dans un nouvel onglet)"
        ).is_visible()
        scroll = page.evaluate("() => document.documentElement.scrollHeight")
        assert scroll <= height, (
            f"{query or 'défaut'} : {scroll} px de haut pour un cadre de {height}"
        )
        assert_no_horizontal_scroll(page)


def test_the_snippet_page_copies_the_code(page, campaign, live_server) -> None:  # type: ignore[no-untyped-def]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    visit(page, "/t/val-de-drome/engagements/a-velo/integrer/")
    frame = page.frame_locator("iframe.widget-preview")
    assert frame.locator("#compteur").inner_text() == "143 engagé·es sur 200"

    page.get_by_label("Thème sombre (pour un site à fond foncé)").check()
    page.get_by_label("Version compacte (titre, compteur et bouton seulement)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Mettre à jour l'aperçu et le code").click()
    assert_accessible(page)
    code = page.get_by_label("Code HTML du compteur").input_value()
    assert "/widget/val-de-drome/a-velo/?theme=sombre&amp;compact=1" in code
    assert f'height="{FRAME_SIZES[True][1]}"' in code

    page.get_by_role("button", name="Copier le code").click()
    status = page.locator("#copie-statut")
    status.filter(has_text="Code copié").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == code


def test_the_snippet_page_fits_a_phone(phone_page, campaign) -> None:  # type: ignore[no-untyped-def]
    visit(phone_page, "/t/val-de-drome/engagements/a-velo/integrer/?compact=1")
    assert_no_horizontal_scroll(phone_page)
