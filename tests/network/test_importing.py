"""Import of a network's spreadsheet and export of the directory: every
row checked before anything is written, duplicates merged or skipped, an
export imported again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from elan.tabular import ERROR, NEW, PRESENT, ImportRejected, read_table, table_bytes
from network import importing
from network.models import Actor, Contact, Membership, MembershipStatus
from tests.network.factories import ActorFactory, ContactFactory

HEADER = "nom;type;commune;siret;rna;themes;membre depuis;prenom;nom du contact;email\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def preview(territory, data: bytes, name: str = "reseau.csv", **kwargs):  # type: ignore[no-untyped-def]
    return importing.import_preview(territory=territory, data=data, filename=name, **kwargs)


def run(territory, organiser, data: bytes, name: str = "reseau.csv"):  # type: ignore[no-untyped-def]
    return importing.actor_import(
        territory=territory, data=data, filename=name, user=organiser, decisions={}
    )


GOOD = csv(
    "Repair café de Crest;Association;26108;;W261001234;Déchets, Consommation responsable;"
    "12/03/2024;Lina;Martin;lina@repair.example.org",
    "Repair café de Crest;Association;26108;;W261001234;;;Hugo;Roux;hugo@repair.example.org",
    "Mairie de Crest;Commune;Crest;;;;;;;",
)


def test_the_dry_run_writes_nothing_and_the_import_writes_every_row(territory, organiser) -> None:
    report = preview(territory, GOOD)
    assert report.ok, [r.errors for r in report.rows]
    assert [r.status for r in report.rows] == [NEW, NEW, NEW]
    assert report.actor_count == 2
    assert report.rows[1].first_line == 2  # the second contact of the first actor
    assert not Actor.objects.exists()

    report = run(territory, organiser, GOOD)
    assert report.created == 2
    repair = Actor.objects.get(rna="W261001234")
    assert sorted(repair.contacts.values_list("email", flat=True)) == [
        "hugo@repair.example.org",
        "lina@repair.example.org",
    ]
    assert sorted(repair.themes.values_list("theme", flat=True)) == ["consommation", "dechets"]
    membership = Membership.objects.get(actor=repair)
    assert (membership.status, membership.joined_on) == (
        MembershipStatus.MEMBER,
        dt.date(2024, 3, 12),
    )
    assert Actor.objects.get(name="Mairie de Crest").commune_id == "26108"


def test_importing_the_same_file_again_changes_nothing(territory, organiser) -> None:
    run(territory, organiser, GOOD)
    report = preview(territory, GOOD)
    assert [r.status for r in report.rows] == [PRESENT, PRESENT, PRESENT]
    again = run(territory, organiser, GOOD)
    assert (again.created, again.merged) == (0, 0)
    assert (Actor.objects.count(), Contact.objects.count(), Membership.objects.count()) == (2, 2, 1)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_an_export_imported_again_changes_nothing(territory, organiser, fmt) -> None:
    run(territory, organiser, GOOD)
    ActorFactory(territory=territory, name="Ressourcerie", siret="73282932000074")
    data = table_bytes(importing.export_header(), importing.export_rows(territory), fmt)
    table = read_table(data, f"annuaire.{fmt}")
    assert len(table.rows) == 4  # one row per contact, one for an actor without any
    report = preview(territory, data, f"annuaire.{fmt}")
    assert report.ok, [r.errors for r in report.rows]
    assert {r.status for r in report.rows} == {PRESENT}


def test_broken_rows_are_all_reported_and_nothing_is_written(territory, organiser) -> None:
    data = csv(
        ";Association;26108;;;;;;;",
        "Ressourcerie;Entreprise;26108;73282932000075;;;;;;",
        "Jardin partagé;Association;99999;;W12;;;;;",
        "Amap;Coopérative;Paris;;;Jardinage;31/02/2024;;Dupont;pas-une-adresse",
        "Bon acteur;Association;26108;;;;;Ana;;ana@example.org",
        "Autre;Association;26108;;;;;Ana;;ana@example.org",
    )
    report = preview(territory, data)
    errors = {r.line: " ".join(r.errors) for r in report.rows}
    assert "indiquez le nom" in errors[2]
    assert "SIRET" in errors[3]
    assert "99999" in errors[4]
    assert "RNA" in errors[4]
    assert "Coopérative" in errors[5]
    assert "Jardinage" in errors[5]
    assert "Prénom" in errors[5]
    assert "pas-une-adresse" in errors[5]
    assert "date" in errors[5]
    assert errors[6] == ""
    assert "ligne 6" in errors[7]
    assert [r.status for r in report.rows].count(ERROR) == 5
    with pytest.raises(ImportRejected):
        run(territory, organiser, data)
    assert not Actor.objects.exists()


def test_two_versions_of_one_actor_in_the_file_are_refused(territory) -> None:
    data = csv(
        "Repair café;Association;26108;;W261001234;;;Lina;;lina@example.org",
        "Repair café;Entreprise;26108;;W261001234;;;Hugo;;hugo@example.org",
    )
    report = preview(territory, data)
    assert "ligne 2" in report.rows[1].errors[0]
    assert "Type" in report.rows[1].errors[0]


def test_a_duplicate_of_the_directory_is_merged_or_skipped(territory, organiser) -> None:
    existing = ActorFactory(
        territory=territory, name="Repair Café", commune=territory.communes.get()
    )
    ContactFactory(actor=existing, email="lina@repair.example.org", first_name="Lina")
    other = ActorFactory(territory=territory, name="Ressourcerie du Val")
    ContactFactory(actor=other, email="paul@ressourcerie.example.org", first_name="Paul")
    data = csv(
        "Association Repair café;Association;26108;;W261001234;Déchets;;Hugo;;hugo@repair.example.org",
        "La Ressourcerie;Association;;;;Économie locale;;Paul;;paul@ressourcerie.example.org",
    )
    report = preview(territory, data)
    assert [r.status for r in report.rows] == [importing.DUPLICATE, importing.DUPLICATE]
    assert report.rows[0].match == existing
    assert "même nom" in report.rows[0].match_reason
    assert "e-mail" in report.rows[1].match_reason
    assert any("RNA" in change for change in report.rows[0].changes)
    assert any("Hugo" in change for change in report.rows[0].changes)

    done = importing.actor_import(
        territory=territory,
        data=data,
        filename="r.csv",
        user=organiser,
        decisions={2: importing.MERGE},
    )
    assert (done.created, done.merged) == (0, 1)
    existing.refresh_from_db()
    assert existing.name == "Repair Café"  # never overwritten
    assert existing.rna == "W261001234"  # a blank filled
    assert existing.contacts.count() == 2
    assert other.contacts.count() == 1  # skipped (the default)
    # Merged, the row is now already present; the skipped one is still offered.
    again = preview(territory, data)
    assert [r.status for r in again.rows] == [PRESENT, importing.DUPLICATE]


def test_columns_can_be_mapped_by_hand(territory) -> None:
    data = "Structure;Ville;Qui\nRepair café;26108;Lina\n".encode()
    report = preview(territory, data)
    assert report.ok  # « Qui » ignored, the others recognised
    assert report.rows[0].values_in["commune"].pk == "26108"
    report = preview(territory, data, mapping={2: "contact_prenom"})
    assert report.rows[0].contact["first_name"] == "Lina"
    missing = preview(territory, b"Ville\n26108\n")
    assert "Colonnes manquantes" in missing.file_errors[0]


def test_an_xlsx_of_5000_rows_is_checked_with_a_constant_number_of_queries(
    territory, django_assert_max_num_queries
) -> None:
    rows = [
        [f"Acteur {i}", "Association", "26108", f"contact{i}@example.org", "Ana"]
        for i in range(300)
    ]
    data = table_bytes(
        ["Nom", "Type", "Commune", "E-mail du contact", "Prénom du contact"], rows, "xlsx"
    )
    with django_assert_max_num_queries(8):
        report = preview(territory, data, "reseau.xlsx")
    assert report.ok
    assert report.actor_count == 300
