"""The import page: upload, dry run with every row, the column mapping,
a choice per duplicate, confirmation; the export in three formats."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from elan.tabular import read_table
from network.models import Actor
from tests.network.factories import ActorFactory

URL = "/t/val-de-drome/reseau/gerer/import/"
GOOD = (
    "Nom;Type;Commune;E-mail du contact;Prénom du contact\n"
    "Repair café;Association;26108;lina@example.org;Lina\n"
    "Ressourcerie;Entreprise;26108;;\n"
).encode()


def upload(client, data: bytes, name: str = "reseau.csv"):  # type: ignore[no-untyped-def]
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def test_an_organiser_checks_then_imports_a_file(client, organiser, territory) -> None:
    client.force_login(organiser)
    assert client.get(URL).status_code == 200
    page = upload(client, GOOD)
    assert page.status_code == 200
    assert page.context["report"].actor_count == 2
    assert not Actor.objects.exists()
    token = page.context["token"]
    done = client.post(URL, {"token": token, "etape": "confirmer"})
    assert done.status_code == 302
    assert Actor.objects.count() == 2
    # The file is gone once imported: a second confirmation is refused.
    assert client.post(URL, {"token": token, "etape": "confirmer"}).status_code == 400


def test_broken_rows_come_back_with_their_errors_and_a_400(client, organiser) -> None:
    client.force_login(organiser)
    page = upload(client, b"Nom;Commune\n;26108\nJardin;00000\n")
    assert page.status_code == 400
    text = page.content.decode()
    assert "Nom : indiquez le nom" in text
    assert "00000" in text
    assert not Actor.objects.exists()


def test_a_wrong_file_is_refused_next_to_the_field(client, organiser) -> None:
    client.force_login(organiser)
    page = upload(client, b"%PDF-1.4", "reseau.pdf")
    assert page.status_code == 400
    assert "Choisissez un fichier" in page.context["form"].errors["file"][0]
    page = upload(client, b"PK\x03\x04broken", "reseau.xlsx")
    assert page.status_code == 400
    assert page.context["report"].file_errors


def test_the_columns_are_remapped_then_a_duplicate_merged(client, organiser, territory) -> None:
    existing = ActorFactory(
        territory=territory, name="Repair café", commune=territory.communes.get()
    )
    client.force_login(organiser)
    page = upload(client, b"Nom;Ville;Qui\nRepair cafe;26108;Lina\n")
    token = page.context["token"]
    assert [c["field"] for c in page.context["columns"]] == ["nom", "commune", ""]
    page = client.post(
        URL,
        {
            "token": token,
            "etape": "colonnes",
            "colonne-0": "nom",
            "colonne-1": "commune",
            "colonne-2": "contact_prenom",
        },
    )
    assert page.status_code == 200
    assert [d["row"].line for d in page.context["duplicates"]] == [2]
    done = client.post(URL, {"token": token, "etape": "confirmer", "doublon-2": "fusionner"})
    assert done.status_code == 302
    assert existing.contacts.get().first_name == "Lina"
    assert Actor.objects.count() == 1


def test_the_export_in_three_formats(client, organiser, territory) -> None:
    ActorFactory(territory=territory, name="Repair café")
    client.force_login(organiser)
    for fmt in ("csv", "xlsx", "ods"):
        response = client.get(f"/t/val-de-drome/reseau/gerer/export/?format={fmt}")
        assert response.status_code == 200
        data = b"".join(response.streaming_content) if response.streaming else response.content
        table = read_table(data, f"a.{fmt}")
        assert table.rows[0].get("nom") == "Repair café"
    assert client.get("/t/val-de-drome/reseau/gerer/export/?format=pdf").status_code == 400


def test_coordinators_and_other_organisers_cannot_import(client, other_organiser) -> None:
    client.force_login(other_organiser)
    # Another territory's organiser does not even see this one's pages.
    assert client.get(URL).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert not Actor.objects.exists()
