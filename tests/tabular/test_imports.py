"""The import protocol: column mapping, dry run, all or nothing, re-import."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from elan import tabular
from elan.tabular import (
    PRESENT,
    Field,
    FileError,
    ImportRejected,
    ImportReport,
    Row,
    RowResult,
    Schema,
    import_key,
    read_table,
)

# A second importer, as the network's directory will be: groups by name.
SCHEMA = Schema(
    fields=(
        Field("nom", "Nom de l'organisation", synonyms=("raison sociale", "structure")),
        Field("siret"),
        Field("email", synonyms=("courriel", "e-mail")),
    ),
    required=(("nom",), ("siret", "email")),
)


def table(text: str):  # type: ignore[no-untyped-def]
    return read_table(text.encode(), "f.csv")


def test_columns_match_by_key_label_or_synonym_whatever_the_case():
    mapping = SCHEMA.map(table("Raison sociale;Courriel;Notes\nA;a@x.fr;n\n"))
    assert mapping.positions == {"nom": 0, "email": 1}
    assert mapping.ignored == ["Notes"]
    mapping = SCHEMA.map(table("NOM DE L'ORGANISATION;E-mail\nA;a@x.fr\n"))
    assert mapping.positions == {"nom": 0, "email": 1}


def test_the_person_importing_can_remap_or_ignore_a_column():
    data = table("Dénomination;Contact;Courriel\nA;b@x.fr;a@x.fr\n")
    with pytest.raises(FileError, match="Colonnes manquantes : nom"):
        SCHEMA.map(data)
    mapping = SCHEMA.map(data, {0: "nom", 1: "email", 2: ""})
    assert mapping.positions == {"nom": 0, "email": 1}
    assert mapping.apply(data.rows[0]).cells == {"nom": "A", "email": "b@x.fr"}
    with pytest.raises(FileError, match="Champ « adresse » inconnu"):
        SCHEMA.map(data, {0: "adresse"})


def test_two_columns_for_one_field_are_refused():
    with pytest.raises(FileError, match="« Structure » et « Courriel » correspondent toutes deux"):
        SCHEMA.map(table("Structure;Courriel;Nom\nA;a@x.fr;B\n"), {1: "nom"})
    with pytest.raises(FileError, match="correspondent toutes deux à « Nom de l'organisation »"):
        SCHEMA.map(table("nom;structure;siret\nA;B;1\n"))


def check_groups(report: ImportReport) -> object:
    saved = set(Group.objects.values_list("name", flat=True))

    def check(rows: list[Row]) -> None:
        seen: dict[str, RowResult] = {}
        for row in rows:
            result = RowResult.of(row)
            report.rows.append(result)
            name = tabular.unneutralise(row.get("nom"))
            if not name:
                result.errors.append("nom manquant")
                continue
            if name in seen:
                result.status, result.note = PRESENT, f"comme la ligne {seen[name].line}"
                continue
            seen[name] = result
            result.key = import_key("groupes", name)
            if name in saved:
                result.status = PRESENT

    return check


def run(text: str) -> ImportReport:
    report: ImportReport = ImportReport()
    tabular.preview(
        report, data=text.encode(), filename="f.csv", schema=SCHEMA, check=check_groups(report)
    )
    return report


def created() -> list[str]:
    """The groups the import wrote (migrations may ship others)."""
    return sorted(
        Group.objects.filter(name__in=["=Mairie", "Amap", "A", "B"]).values_list("name", flat=True)
    )


def write(rows: list[RowResult]) -> None:
    for result in rows:
        Group.objects.create(name=tabular.unneutralise(result.cells["nom"]))


@pytest.mark.django_db
def test_the_dry_run_writes_nothing_and_reports_each_row():
    report = run("Structure;Siret;Notes\n'=Mairie;1;x\n;2;\nAmap;3;\nAmap;4;\n")
    assert report.columns == ["structure", "siret", "notes"]
    assert [(r.line, r.status, r.values) for r in report.rows] == [
        (2, "nouveau", ["'=Mairie", "1", "x"]),
        (3, "erreur", ["", "2", ""]),
        (4, "nouveau", ["Amap", "3", ""]),
        (5, "deja_present", ["Amap", "4", ""]),
    ]
    assert report.rows[1].errors == ["nom manquant"]
    assert report.rows[3].note == "comme la ligne 4"
    assert not report.ok
    assert created() == []
    with pytest.raises(ImportRejected) as rejected:
        tabular.write_all(report, write)
    assert rejected.value.report is report
    assert created() == []


@pytest.mark.django_db
def test_all_or_nothing_then_a_reimport_changes_nothing():
    text = "nom;siret\n=Mairie;1\nAmap;2\n"
    report = run(text)
    tabular.write_all(report, write)
    assert report.created == 2
    assert created() == ["=Mairie", "Amap"]
    again = run(text)
    tabular.write_all(again, write)
    assert (again.created, again.present_count) == (0, 2)
    assert created() == ["=Mairie", "Amap"]


@pytest.mark.django_db
def test_a_row_saved_meanwhile_rolls_the_whole_import_back():
    report = run("nom;siret\nA;1\nB;2\n")
    Group.objects.create(name="B")  # another import, between the dry run and the write
    with pytest.raises(ImportRejected):
        tabular.write_all(report, write)
    assert created() == ["B"]
    assert "relancez la vérification" in report.file_errors[0]


@pytest.mark.django_db
def test_file_level_errors_end_the_dry_run():
    assert run("").file_errors == ["Le fichier est vide."]
    assert run("nom\nA\n").file_errors == [
        "Colonnes manquantes : siret ou email. Consultez le modèle de fichier."
    ]
    assert run("nom;email\n").file_errors == ["Le fichier ne contient aucune ligne de données."]


def test_the_import_key_is_stable_and_distinct():
    assert import_key(1, "releves", 2) == import_key(1, "releves", 2)
    assert import_key(1, "releves", 2) != import_key(1, "releves", 3)
    assert import_key(7, "x").startswith("imp-")
    assert len(import_key(7, "x")) == 64
