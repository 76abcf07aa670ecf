"""The Content-Security-Policy: no inline script or eval, no framing except
the pledge widget, and no inline event handler left in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if part
    }


def test_every_page_forbids_inline_scripts_and_framing(client, territory) -> None:
    for url in ("/", "/t/val-de-drome/", "/comparaisons/", "/compte/connexion/", "/sante/"):
        policy = _policy(client.get(url))
        assert policy["script-src"] == "'self'", url
        assert "unsafe-inline" not in policy["script-src"]
        assert "unsafe-eval" not in policy["script-src"]
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
        assert policy["form-action"] == "'self'"
        assert "tile.openstreetmap.org" in policy["img-src"]


def test_the_pledge_widget_may_be_embedded(client, territory) -> None:
    from tests.pledges.factories import CampaignFactory

    campaign = CampaignFactory(territory=territory, slug="velo")
    response = client.get(f"/widget/val-de-drome/{campaign.slug}/")
    assert response.status_code == 200
    assert _policy(response)["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in response


def test_it_can_be_turned_off(client, settings) -> None:
    settings.ELAN_CSP = False
    assert "Content-Security-Policy" not in client.get("/")


def test_no_template_has_an_inline_script_or_handler() -> None:
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>")
    found = []
    for path in ROOT.glob("*/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if handler.search(text) or inline.search(text):
            found.append(str(path.relative_to(ROOT)))
    assert not found, f"script ou gestionnaire en ligne : {found}"
