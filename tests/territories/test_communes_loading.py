from __future__ import annotations

import csv
import gzip
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from territories.management.commands.load_communes import COMMUNES_FILE, DATA_DIR
from territories.models import Commune, Department, Region
from tests.factories import CommuneFactory, HouseholdFactory

HEADER = "insee_code,name,postal_codes,department_code,region_code,population,latitude,longitude\n"
TINY = HEADER + (
    "26108,Crest,26400,26,84,8658,44.72833,5.02222\n"
    "26289,Saillans,26340,26,84,1460,,\n"
    "26381,Saint-Vallier,26240,26,84,3900,,\n"
    "2A004,Ajaccio,20000 20090 20167,2A,94,76320,,\n"
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    path = tmp_path / "communes.csv"
    path.write_text(TINY, encoding="utf-8")
    return path


def snapshot() -> list[tuple[object, ...]]:
    return list(Commune.objects.order_by("pk").values_list())


@pytest.mark.django_db
def test_it_loads_communes_with_search_name_and_geography(tiny_csv: Path) -> None:
    output = run("load_communes", "--path", str(tiny_csv))

    assert "4 communes chargées en" in output
    crest = Commune.objects.get(insee_code="26108")
    assert crest.name == "Crest"
    assert crest.search_name == "crest"
    assert crest.postal_codes == " 26400"
    assert crest.department_id == "26"
    assert crest.population == 8658
    assert crest.latitude == Decimal("44.72833")
    assert Commune.objects.get(insee_code="26381").search_name == "st vallier"
    assert Commune.objects.get(insee_code="2A004").postal_code_list == ["20000", "20090", "20167"]
    assert Commune.objects.get(insee_code="26289").latitude is None
    assert Department.objects.get(code="26").region_id == "84"
    assert Region.objects.get(code="94").name == "Corse"
    assert list(Commune.objects.search("saint v")) == [Commune.objects.get(insee_code="26381")]


@pytest.mark.django_db
def test_it_changes_nothing_when_run_again(tiny_csv: Path) -> None:
    run("load_communes", "--path", str(tiny_csv))
    before = snapshot()

    output = run("load_communes", "--path", str(tiny_csv))

    assert snapshot() == before
    assert "0 créées, 0 mises à jour, 4 inchangées" in output


@pytest.mark.django_db
def test_it_updates_existing_rows_and_keeps_their_centre(tiny_csv: Path) -> None:
    crest = CommuneFactory(
        insee_code="26108", name="Crest-ancien", postal_codes=" 26401", population=1
    )
    saillans = CommuneFactory(insee_code="26289", name="Saillans", latitude=Decimal("44.69611"))

    run("load_communes", "--path", str(tiny_csv))

    crest.refresh_from_db()
    assert (crest.name, crest.search_name, crest.postal_codes, crest.population) == (
        "Crest",
        "crest",
        " 26400",
        8658,
    )
    saillans.refresh_from_db()
    assert saillans.latitude == Decimal("44.69611")  # a file without centre keeps it


@pytest.mark.django_db
def test_it_never_deletes_a_commune_a_household_lives_in(tiny_csv: Path) -> None:
    lived_in = HouseholdFactory(commune=CommuneFactory(insee_code="26998")).commune
    orphan = CommuneFactory(insee_code="26999")

    output = run("load_communes", "--path", str(tiny_csv))
    assert "2 communes absentes du fichier conservées" in output
    assert Commune.objects.filter(pk=orphan.pk).exists()

    run("load_communes", "--path", str(tiny_csv), "--prune")
    assert Commune.objects.filter(pk=lived_in.pk).exists()
    assert not Commune.objects.filter(pk=orphan.pk).exists()


@pytest.mark.django_db
def test_if_empty_skips_when_the_communes_are_loaded(tiny_csv: Path) -> None:
    run("load_communes", "--path", str(tiny_csv))
    Commune.objects.filter(insee_code="26108").update(population=1)

    output = run("load_communes", "--path", str(tiny_csv), "--if-empty")

    assert "déjà chargées" in output
    assert Commune.objects.get(insee_code="26108").population == 1


@pytest.mark.django_db
def test_if_empty_still_loads_after_the_demo_made_a_few(tiny_csv: Path) -> None:
    CommuneFactory(insee_code="26108", name="Crest")

    run("load_communes", "--path", str(tiny_csv), "--if-empty")

    assert Commune.objects.count() == 4


@pytest.mark.django_db
def test_it_writes_nothing_when_a_row_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(TINY + "26999,Nulle-Part,26000,99,84,10,,\n", encoding="utf-8")

    with pytest.raises(CommandError, match="ligne 6 : département « 99 » inconnu"):
        run("load_communes", "--path", str(path))

    assert not Commune.objects.exists()


def shipped_communes() -> dict[str, dict[str, str]]:
    with gzip.open(COMMUNES_FILE, "rt", encoding="utf-8") as f:
        return {row["insee_code"]: row for row in csv.DictReader(f)}


def test_the_shipped_file_holds_the_official_list() -> None:
    communes = shipped_communes()
    departments = {
        row["code"]: row for row in csv.DictReader((DATA_DIR / "departments.csv").open())
    }
    regions = {row["code"] for row in csv.DictReader((DATA_DIR / "regions.csv").open())}

    assert len(communes) > 34_000
    crest = communes["26108"]
    assert (crest["name"], crest["postal_codes"], crest["department_code"]) == (
        "Crest",
        "26400",
        "26",
    )
    assert crest["region_code"] == "84"
    assert 5_000 < int(crest["population"]) < 15_000
    paris = communes["75056"]
    assert paris["name"] == "Paris"
    assert int(paris["population"]) > 2_000_000
    assert "75116" in paris["postal_codes"].split()
    # Arrondissements municipaux are parts of Paris, Lyon, Marseille, not communes.
    assert "75101" not in communes
    assert "69381" not in communes
    assert "13201" not in communes
    assert departments["2A"]["region_code"] == "94"
    for row in communes.values():
        assert len(row["insee_code"]) == 5
        assert row["name"]
        assert row["department_code"] in departments
        assert row["region_code"] in regions
        assert int(row["population"]) >= 0
        assert all(len(code) == 5 for code in row["postal_codes"].split())


def test_the_shipped_file_is_small_and_deterministic() -> None:
    raw = COMMUNES_FILE.read_bytes()
    assert len(raw) < 1_000_000
    assert raw[4:8] == b"\0\0\0\0"  # gzip mtime: rebuilding changes no byte


# load_commune_centres


def centres_file(tmp_path: Path, text: str, *, bom: bool = False) -> str:
    path = tmp_path / "centres.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return str(path)


@pytest.fixture
def communes(db: None) -> None:
    CommuneFactory(insee_code="26108", name="Crest", latitude=None, longitude=None)
    CommuneFactory(insee_code="26289", name="Saillans", latitude=None, longitude=None)


def centre(code: str) -> tuple[Decimal | None, Decimal | None]:
    commune = Commune.objects.get(insee_code=code)
    return commune.latitude, commune.longitude


@pytest.mark.usefixtures("communes")
def test_centres_from_a_semicolon_file_with_bom_and_decimal_commas(tmp_path: Path) -> None:
    path = centres_file(
        tmp_path,
        "code_commune_INSEE;nom_commune;latitude;longitude\n"
        "26108;CREST;44,728333;5,022222\n"
        "26108;CREST;44,728333;5,022222\n"
        "26289;SAILLANS;44.696111;5.195\n"
        "75056;PARIS;48.8566;2.3522\n",
        bom=True,
    )

    output = run("load_commune_centres", path)

    assert centre("26108") == (Decimal("44.72833"), Decimal("5.02222"))
    assert centre("26289") == (Decimal("44.69611"), Decimal("5.19500"))
    assert "2 communes mises à jour" in output
    assert "1 codes inconnus" in output
    assert "1 doublons" in output


@pytest.mark.usefixtures("communes")
def test_centres_from_a_comma_file_with_other_headers(tmp_path: Path) -> None:
    path = centres_file(tmp_path, "codgeo,centre_lat,centre_lon\n26108,44.72833,5.02222\n")

    run("load_commune_centres", path)

    assert centre("26108") == (Decimal("44.72833"), Decimal("5.02222"))
    assert "0 communes mises à jour" in run("load_commune_centres", path)


@pytest.mark.usefixtures("communes")
def test_centres_with_bad_rows_are_reported_and_nothing_is_written(tmp_path: Path) -> None:
    path = centres_file(
        tmp_path,
        "insee;lat;lng\n"
        "26108;44.72833;5.02222\n"
        "26289;abc;5.195\n"
        "2610;44.7;5.0\n"
        "26289;44.7;200\n"
        "26289;44.7\n",
    )
    errors = io.StringIO()

    with pytest.raises(CommandError, match="4 ligne"):
        call_command("load_commune_centres", path, stdout=io.StringIO(), stderr=errors)

    assert "ligne 3 : latitude « abc » invalide" in errors.getvalue()
    assert "ligne 4 : code INSEE « 2610 » invalide" in errors.getvalue()
    assert "ligne 5 : longitude « 200 » invalide" in errors.getvalue()
    assert "ligne 6 :" in errors.getvalue()
    assert centre("26108") == (None, None)


@pytest.mark.usefixtures("communes")
def test_centres_skip_errors_writes_the_good_rows(tmp_path: Path) -> None:
    path = centres_file(tmp_path, "insee;lat;lng\n26108;44.72833;5.02222\n26289;abc;5.195\n")

    output = run("load_commune_centres", path, "--skip-errors")

    assert centre("26108") == (Decimal("44.72833"), Decimal("5.02222"))
    assert centre("26289") == (None, None)
    assert "1 lignes en erreur ignorées" in output


@pytest.mark.usefixtures("communes")
def test_centres_need_recognisable_headers(tmp_path: Path) -> None:
    path = centres_file(tmp_path, "commune;x;y\n26108;44.7;5.0\n")

    with pytest.raises(CommandError, match="Colonne du code INSEE introuvable"):
        run("load_commune_centres", path)
