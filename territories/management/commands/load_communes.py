"""Load the official regions, departments and communes shipped in territories/data/.

Upserts: rows already there get their names, postal codes and population
updated; coordinates are only overwritten by a file that has some, so the
centres set by `load_commune_centres` survive a refresh. Communes missing from
the file are kept unless `--prune` is given, and even then a commune that a
household, a territory or any protected row refers to is kept.
"""

from __future__ import annotations

import csv
import gzip
import io
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import ProtectedError, RestrictedError

from territories.models import Commune, Department, Region, normalize_name

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
COMMUNES_FILE = DATA_DIR / "communes.csv.gz"
BATCH_SIZE = 1000
COMMUNE_FIELDS = ["name", "search_name", "postal_codes", "department_id", "population"]
CENTRE_FIELDS = ["latitude", "longitude"]


def french_int(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def read_bytes(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def parse_csv(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def read_csv(path: Path) -> list[dict[str, str]]:
    return parse_csv(read_bytes(path))


def _coordinate(value: str, where: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return Decimal(value.strip().replace(",", ".")).quantize(Decimal("0.00001"))
    except InvalidOperation as exc:
        raise CommandError(f"{where} : coordonnée « {value} » invalide") from exc


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    pruned: int = 0
    kept: int = 0


def upsert_regions(rows: list[dict[str, str]]) -> None:
    existing = {r.code: r for r in Region.objects.all()}
    new, changed = [], []
    for row in rows:
        region = existing.get(row["code"])
        if region is None:
            new.append(Region(code=row["code"], name=row["name"]))
        elif region.name != row["name"]:
            region.name = row["name"]
            changed.append(region)
    Region.objects.bulk_create(new)
    Region.objects.bulk_update(changed, ["name"])


def upsert_departments(rows: list[dict[str, str]]) -> None:
    existing = {d.code: d for d in Department.objects.all()}
    new, changed = [], []
    for row in rows:
        department = existing.get(row["code"])
        if department is None:
            new.append(Department(code=row["code"], name=row["name"], region_id=row["region_code"]))
        elif (department.name, department.region_id) != (row["name"], row["region_code"]):
            department.name, department.region_id = row["name"], row["region_code"]
            changed.append(department)
    Department.objects.bulk_create(new)
    Department.objects.bulk_update(changed, ["name", "region"])


def _commune_from_row(row: dict[str, str], line: int) -> Commune:
    where = f"ligne {line}"
    try:
        code, name = row["insee_code"].strip(), row["name"].strip()
        codes = (row.get("postal_codes") or "").split()
        population = int(row.get("population") or 0)
        department = row["department_code"].strip()
    except (KeyError, AttributeError, ValueError) as exc:
        raise CommandError(f"{where} : ligne mal formée ({exc})") from exc
    if len(code) != 5 or not name or population < 0:
        raise CommandError(f"{where} : code INSEE « {code} » ou nom « {name} » invalide")
    return Commune(
        insee_code=code,
        name=name,
        search_name=normalize_name(name),
        # A leading space lets one `contains " 264"` find any code: see the model.
        postal_codes=" " + " ".join(codes) if codes else "",
        department_id=department,
        population=population,
        latitude=_coordinate(row.get("latitude") or "", where),
        longitude=_coordinate(row.get("longitude") or "", where),
    )


def _values(commune: Commune, fields: list[str]) -> tuple[Any, ...]:
    return tuple(getattr(commune, field) for field in fields)


def upsert_communes(rows: list[dict[str, str]], *, prune: bool) -> Counts:
    counts = Counts()
    known_departments = set(Department.objects.values_list("code", flat=True))
    # Plain tuples, not model instances: twice as fast on 35,000 rows.
    existing = {
        values[0]: values[1:]
        for values in Commune.objects.values_list(
            "insee_code", *COMMUNE_FIELDS, *CENTRE_FIELDS
        ).iterator(chunk_size=5000)
    }
    split = len(COMMUNE_FIELDS)
    new: list[Commune] = []
    changed: list[Commune] = []
    centred: list[Commune] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        incoming = _commune_from_row(row, line)
        if incoming.department_id not in known_departments:
            raise CommandError(f"ligne {line} : département « {incoming.department_id} » inconnu")
        if incoming.insee_code in seen:
            raise CommandError(f"ligne {line} : code INSEE « {incoming.insee_code} » en double")
        seen.add(incoming.insee_code)
        current = existing.get(incoming.insee_code)
        if current is None:
            new.append(incoming)
            continue
        dirty = current[:split] != _values(incoming, COMMUNE_FIELDS)
        if dirty:
            changed.append(incoming)
        centre = _values(incoming, CENTRE_FIELDS)
        if None not in centre and centre != current[split:]:
            centred.append(incoming)
            dirty = True
        counts.updated += dirty
        counts.unchanged += not dirty

    Commune.objects.bulk_create(new, batch_size=BATCH_SIZE)
    update_communes(changed, COMMUNE_FIELDS)
    update_communes(centred, CENTRE_FIELDS)
    counts.created = len(new)

    absent = sorted(set(existing) - seen)
    if prune:
        counts.pruned, counts.kept = prune_communes(absent)
    else:
        counts.kept = len(absent)
    return counts


def update_communes(communes: list[Commune], fields: list[str]) -> None:
    """One parametrised UPDATE run with executemany.

    A yearly refresh changes the population of every commune: bulk_update's
    CASE WHEN statements take over 30 s for 35,000 rows on SQLite, this takes
    a few seconds.
    """
    if not communes:
        return
    meta = Commune._meta
    quote = connection.ops.quote_name
    model_fields = [f for f in meta.concrete_fields if f.attname in fields]
    assert len(model_fields) == len(fields), fields
    pk = next(f for f in meta.concrete_fields if f.primary_key)
    assignments = ", ".join(f"{quote(cast(str, f.column))} = %s" for f in model_fields)
    where = quote(cast(str, pk.column))
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {where} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(c, f.attname), connection) for f in model_fields]
        + [c.insee_code]
        for c in communes
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH_SIZE):
            cursor.executemany(sql, params[start : start + BATCH_SIZE])


def prune_communes(codes: list[str]) -> tuple[int, int]:
    """Delete the communes no longer in the official list that nothing refers to."""
    deletable: list[str] = []
    for start in range(0, len(codes), 500):  # SQLite caps the number of query parameters
        deletable += Commune.objects.filter(
            insee_code__in=codes[start : start + 500],
            households__isnull=True,
            territories__isnull=True,
        ).values_list("insee_code", flat=True)
    deleted = 0
    # A few dozen communes merge each year: one savepoint each is cheap, and a
    # row of another app pointing at one (PROTECT) keeps it instead of failing.
    for code in deletable:
        try:
            with transaction.atomic():
                Commune.objects.filter(insee_code=code).delete()
            deleted += 1
        except (ProtectedError, RestrictedError):
            pass
    return deleted, len(codes) - deleted


class Command(BaseCommand):
    help = "Charge (ou met à jour) les régions, départements et communes officiels."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne fait rien si la base compte déjà au moins autant de communes que le fichier.",
        )
        parser.add_argument(
            "--path",
            type=Path,
            default=COMMUNES_FILE,
            help="Fichier CSV des communes (éventuellement .gz) ; par défaut celui fourni.",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Supprime les communes absentes du fichier auxquelles rien ne fait référence.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        path: Path = options["path"]
        try:
            raw = read_bytes(path)
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {path} : {exc}") from exc
        # Not just « any commune exists »: seed_demo alone creates six, and the
        # full list must still load after it.
        if options["if_empty"] and Commune.objects.count() >= len(raw.splitlines()) - 1:
            self.stdout.write("Communes déjà chargées : rien à faire.")
            return
        try:
            rows = parse_csv(raw)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"Lecture impossible de {path} : {exc}") from exc
        with transaction.atomic():
            upsert_regions(read_csv(DATA_DIR / "regions.csv"))
            upsert_departments(read_csv(DATA_DIR / "departments.csv"))
            counts = upsert_communes(rows, prune=options["prune"])
        elapsed = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        self.stdout.write(
            self.style.SUCCESS(f"{french_int(len(rows))} communes chargées en {elapsed} s")
            + f" ({french_int(counts.created)} créées, {french_int(counts.updated)} mises à jour, "
            f"{french_int(counts.unchanged)} inchangées)."
        )
        if counts.pruned:
            self.stdout.write(f"{french_int(counts.pruned)} communes disparues supprimées.")
        if counts.kept:
            self.stdout.write(
                f"{french_int(counts.kept)} communes absentes du fichier conservées "
                "(--prune pour supprimer celles auxquelles rien ne fait référence)."
            )
