"""Downloading my data."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import rgpd
from tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    MembershipFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("accounts:export")


def _archive(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_it_downloads_a_dated_zip(owner_client):
    response = owner_client.get(URL)

    filename = f"elan-mes-donnees-{timezone.localdate():%Y%m%d}.zip"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert set(_archive(response).namelist()) >= {
        "donnees.json",
        "compte.csv",
        "foyer.csv",
        "consentements.csv",
        "roles.csv",
    }


def test_it_contains_my_account_household_consents_and_roles(owner_client, owner, terms):
    ConsentFactory(user=owner, text=terms)
    MembershipFactory(user=owner, territory=TerritoryFactory(name="Val de Drôme"))

    data = json.loads(_archive(owner_client.get(URL)).read("donnees.json"))

    assert data["compte"][0]["email"] == "camille@example.org"
    assert data["foyer"][0]["nom"] == "Les Martin"
    assert data["foyer"][0]["commune"] == "Crest"
    assert data["consentements"][0]["version"] == 2
    assert data["consentements"][0]["donne_le"].startswith(str(timezone.localdate().year))
    assert "T" in data["consentements"][0]["donne_le"]
    assert data["roles"] == [
        {
            "territoire": "Val de Drôme",
            "adresse": data["roles"][0]["adresse"],
            "role": "Animateur·rice",
            "depuis": data["roles"][0]["depuis"],
        }
    ]


def test_it_writes_csv_that_excel_reads_in_french(owner_client, owner):
    raw = _archive(owner_client.get(URL)).read("foyer.csv")

    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["nom"] == "Les Martin"
    assert rows[0]["type_de_logement"] == "Maison"


def test_it_excludes_other_peoples_data(owner_client, owner, terms):
    stranger = UserFactory(email="inconnu@example.org", household=HouseholdFactory(name="Autres"))
    ConsentFactory(user=stranger, text=terms)
    MembershipFactory(user=stranger, territory=TerritoryFactory(name="Ailleurs"))

    archive = _archive(owner_client.get(URL))

    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    assert "inconnu@example.org" not in everything
    assert "Autres" not in everything
    assert "Ailleurs" not in everything
    assert json.loads(archive.read("donnees.json"))["consentements"] == []


def test_it_includes_sections_registered_by_other_modules(owner_client, monkeypatch):
    sections = {**rgpd._sections}
    monkeypatch.setattr(rgpd, "_sections", sections)
    rgpd.register_section("module_exemple", lambda user: [{"compteur": "gaz", "valeur": 1234}])

    archive = _archive(owner_client.get(URL))

    assert json.loads(archive.read("donnees.json"))["module_exemple"] == [
        {"compteur": "gaz", "valeur": 1234}
    ]
    assert archive.read("module_exemple.csv").decode("utf-8-sig").splitlines() == [
        "compteur;valeur",
        "gaz;1234",
    ]


def test_it_requires_login(client):
    assert client.get(URL).status_code == 302
