"""Build the shipped commune files from the npm package @etalab/decoupage-administratif.

Run by hand when a new vintage of the Code officiel géographique is published
(see PROVENANCE.md beside this file):

    cd "$(mktemp -d)" && npm pack @etalab/decoupage-administratif
    python territories/data/build_communes.py /tmp/…/etalab-decoupage-administratif-X.Y.Z.tgz

The argument is the tarball `npm pack` wrote, or the directory it unpacks to.
Only the standard library is used, so the script runs without Django. The
output is deterministic (sorted rows, gzip header without a timestamp), so a
refresh that changes nothing leaves the files byte-identical.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent
COMMUNE_COLUMNS = [
    "insee_code",
    "name",
    "postal_codes",
    "department_code",
    "region_code",
    "population",
    "latitude",
    "longitude",
]
# Only current communes: « communes déléguées / associées » are former communes
# inside a commune nouvelle, and the 45 « arrondissements municipaux » of Paris,
# Lyon and Marseille are parts of a commune (75056, 69123, 13055), not communes.
KEPT_TYPE = "commune-actuelle"


class Package:
    """Read `data/*.json` and `package.json` from a tarball or an unpacked directory."""

    def __init__(self, source: Path) -> None:
        self.source = source

    def read_json(self, name: str) -> Any:
        if self.source.is_dir():
            root = self.source / "package" if (self.source / "package").is_dir() else self.source
            return json.loads((root / name).read_text(encoding="utf-8"))
        with tarfile.open(self.source, "r:gz") as tar:
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise FileNotFoundError(f"{name} absent de {self.source}")
            return json.loads(member.read().decode("utf-8"))


def _centre(row: dict[str, Any]) -> tuple[str, str]:
    """Latitude and longitude if the package carries them (GeoJSON order is lon, lat)."""
    centre = row.get("centre")
    if isinstance(centre, dict) and len(centre.get("coordinates") or []) == 2:
        lon, lat = centre["coordinates"]
        return f"{float(lat):.5f}", f"{float(lon):.5f}"
    return "", ""


def commune_rows(communes: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for c in communes:
        if c.get("type") != KEPT_TYPE:
            continue
        latitude, longitude = _centre(c)
        rows.append(
            [
                c["code"],
                c["nom"],
                " ".join(sorted(set(c.get("codesPostaux") or []))),
                c["departement"],
                c["region"],
                str(int(c.get("population") or 0)),
                latitude,
                longitude,
            ]
        )
    rows.sort(key=lambda r: r[0])
    return rows


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_gzip(path: Path, text: str) -> None:
    # mtime=0 and no file name in the header: same input, same bytes.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(text.encode("utf-8"))


def build(source: Path, out_dir: Path) -> dict[str, int | str]:
    package = Package(source)
    meta = package.read_json("package.json")
    regions = sorted(
        ([r["code"], r["nom"]] for r in package.read_json("data/regions.json")),
        key=lambda r: r[0],
    )
    departments = sorted(
        ([d["code"], d["nom"], d["region"]] for d in package.read_json("data/departements.json")),
        key=lambda d: d[0],
    )
    communes = commune_rows(package.read_json("data/communes.json"))

    known_departments = {d[0] for d in departments}
    unknown = sorted({c[3] for c in communes} - known_departments)
    if unknown:
        raise ValueError(f"communes rattachées à des départements inconnus : {unknown}")

    (out_dir / "regions.csv").write_text(_csv_text(["code", "name"], regions), encoding="utf-8")
    (out_dir / "departments.csv").write_text(
        _csv_text(["code", "name", "region_code"], departments), encoding="utf-8"
    )
    write_gzip(out_dir / "communes.csv.gz", _csv_text(COMMUNE_COLUMNS, communes))
    return {
        "version": meta["version"],
        "regions": len(regions),
        "departments": len(departments),
        "communes": len(communes),
        "with_centre": sum(1 for c in communes if c[6]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="tarball de `npm pack` ou dossier décompressé")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="dossier de sortie")
    args = parser.parse_args(argv)
    summary = build(args.source, args.out)
    print(
        f"@etalab/decoupage-administratif {summary['version']} : "
        f"{summary['regions']} régions, {summary['departments']} départements, "
        f"{summary['communes']} communes ({summary['with_centre']} avec centre) "
        f"écrites dans {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
