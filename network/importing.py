"""Import of the spreadsheet a network already keeps, and export of the
directory in the same columns (an export imported again changes nothing).

Over the tabular kit (`elan.tabular`): the file is read and its columns
mapped (`SCHEMA`, re-mappable by the organiser), every row is checked
(identifiers, commune, contact e-mail) and nothing is written until the
organiser confirms, then every row or nothing.

One row is an actor, with at most one contact; the next rows of the same
actor (same SIRET, RNA, or name in the same commune) add its other contacts
— that is how an export with several contacts per actor reads back. A row
that describes an actor already in the directory (`network.dedup`) is a
duplicate: the organiser merges it (the file fills the entry's blanks, adds
its themes, tags, contacts and membership; it never overwrites what is
there) or skips it. A duplicate whose merge would change nothing is « déjà
présent »: a second import of the same file writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from elan.tabular import (
    ERROR,
    NEW,
    PRESENT,
    Field,
    ImportRejected,
    ImportReport,
    Row,
    RowResult,
    Schema,
    column_key,
    parse_date,
    parse_yes_no,
    preview,
    unneutralise,
    write_all,
)
from network import services
from network.dedup import REASONS
from network.identifiers import (
    normalise_actor_name,
    normalise_insee,
    normalise_rna,
    normalise_siret,
)
from network.models import Actor, ActorKind, Contact, Membership, MembershipStatus
from territories.models import Commune, Territory
from territories.themes import Theme

DUPLICATE = "doublon"
MERGE, SKIP = "fusionner", "ignorer"

SCHEMA = Schema(
    fields=(
        Field("nom", gettext_lazy("Nom"), ("nom de la structure", "structure", "organisation")),
        Field("type", gettext_lazy("Type"), ("type d'acteur", "categorie", "nature")),
        Field("commune", gettext_lazy("Commune"), ("code insee", "insee", "ville")),
        Field("adresse", gettext_lazy("Adresse"), ("address", "rue")),
        Field("code_postal", gettext_lazy("Code postal"), ("cp",)),
        Field("site_web", gettext_lazy("Site web"), ("site", "site internet", "url")),
        Field("presentation", gettext_lazy("Présentation"), ("description",)),
        Field("siret", gettext_lazy("SIRET"), ("n siret", "numero siret")),
        Field("rna", gettext_lazy("Numéro RNA"), ("rna", "n rna")),
        Field("themes", gettext_lazy("Thèmes"), ("theme", "thematiques")),
        Field("mots_cles", gettext_lazy("Mots-clés"), ("tags", "mots cles")),
        Field(
            "annuaire_public",
            gettext_lazy("Dans l'annuaire public"),
            ("annuaire", "public", "visible"),
        ),
        Field(
            "membre_depuis",
            gettext_lazy("Membre depuis"),
            ("adhesion", "date d'adhesion", "adherent depuis"),
        ),
        Field("contact_prenom", gettext_lazy("Prénom du contact"), ("prenom",)),
        Field("contact_nom", gettext_lazy("Nom du contact"), ("nom contact",)),
        Field("contact_fonction", gettext_lazy("Fonction du contact"), ("fonction", "role")),
        Field(
            "contact_email",
            gettext_lazy("E-mail du contact"),
            ("email", "e-mail", "courriel", "mail", "adresse e-mail"),
        ),
        Field(
            "contact_telephone",
            gettext_lazy("Téléphone du contact"),
            ("telephone", "tel", "portable"),
        ),
    ),
    required=(("nom",),),
)

# What a spreadsheet writes in « Type » besides Élan's own labels.
KIND_SYNONYMS = {
    "mairie": ActorKind.COMMUNE,
    "ville": ActorKind.COMMUNE,
    "epci": ActorKind.EPCI,
    "communaute_de_communes": ActorKind.EPCI,
    "communaute_d_agglomeration": ActorKind.EPCI,
    "asso": ActorKind.ASSOCIATION,
    "societe": ActorKind.COMPANY,
    "sarl": ActorKind.COMPANY,
    "sas": ActorKind.COMPANY,
    "artisan": ActorKind.CRAFT,
    "commercant": ActorKind.CRAFT,
    "ecole": ActorKind.SCHOOL,
    "college": ActorKind.SCHOOL,
    "lycee": ActorKind.SCHOOL,
    "bailleur": ActorKind.SOCIAL_LANDLORD,
    "universite": ActorKind.UNIVERSITY_HOSPITAL,
    "hopital": ActorKind.UNIVERSITY_HOSPITAL,
    "habitant": ActorKind.RESIDENT,
    "habitante": ActorKind.RESIDENT,
    "particulier": ActorKind.RESIDENT,
}
_SPLIT = re.compile(r"\s*[,;/|]\s*")
# The entry's fields a merge may fill when they are blank.
FILLABLE = ("address", "postal_code", "website", "description", "siret", "rna")
_email = EmailValidator()


def _label(name: str) -> str:
    """The field's name, with a capital first letter (« Numéro RNA »)."""
    label = str(cast(models.Field, Actor._meta.get_field(name)).verbose_name)
    return label[:1].upper() + label[1:]


def _kinds() -> dict[str, str]:
    found = {column_key(str(label)): value for value, label in ActorKind.choices}
    found.update({column_key(value): value for value in ActorKind.values})
    found.update({key: str(value) for key, value in KIND_SYNONYMS.items()})
    return found


def _themes() -> dict[str, str]:
    found = {column_key(str(label)): value for value, label in Theme.choices}
    found.update({column_key(value): value for value in Theme.values})
    return found


@dataclass(kw_only=True)
class ActorRow(RowResult):
    values_in: dict[str, Any] = field(default_factory=dict)  # an actor's fields
    themes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    contact: dict[str, str] = field(default_factory=dict)
    joined_on: dt.date | None = None
    first_line: int = 0  # the line of the actor's first row (this row's when 0)
    match: Actor | None = None
    match_reason: str = ""
    changes: list[str] = field(default_factory=list)  # what a merge would do, in French

    @property
    def status_label(self) -> str:
        if self.status == DUPLICATE:
            return _("Doublon")
        return super().status_label

    @property
    def group_line(self) -> int:
        return self.first_line or self.line


@dataclass(kw_only=True)
class ActorImportReport(ImportReport[ActorRow]):
    decisions: dict[int, str] = field(default_factory=dict)  # first line → merge / skip
    merged: int = 0
    contacts_added: int = 0

    @property
    def duplicate_rows(self) -> list[ActorRow]:
        return [r for r in self.rows if r.status == DUPLICATE and not r.first_line]

    @property
    def duplicate_count(self) -> int:
        return len(self.duplicate_rows)

    @property
    def actor_count(self) -> int:
        return sum(1 for r in self.rows if r.status == NEW and not r.first_line)


# --- What is already there, loaded once --------------------------------------------


@dataclass
class _Directory:
    by_siret: dict[str, int]
    by_rna: dict[str, int]
    by_name: dict[tuple[str, str | None], int]
    by_email: dict[str, int]
    by_commune: dict[str, int]  # the actor that is a commune, by its INSEE code
    communes: dict[str, Commune]  # by INSEE code
    commune_names: dict[str, list[Commune]]  # the territory's, by normalised name

    @classmethod
    def of(cls, territory: Territory, rows: list[Row]) -> _Directory:
        by_siret: dict[str, int] = {}
        by_rna: dict[str, int] = {}
        by_name: dict[tuple[str, str | None], int] = {}
        by_commune: dict[str, int] = {}
        actors = Actor.objects.filter(territory=territory).order_by("-pk")
        fields = ("pk", "siret", "rna", "normalised_name", "commune_id", "kind")
        for pk, siret, rna, name, commune, kind in actors.values_list(*fields):
            if kind == ActorKind.COMMUNE and commune:
                by_commune[commune] = pk
            # Ordered from the newest: the oldest entry wins, as in dedup.
            if siret:
                by_siret[siret] = pk
            if rna:
                by_rna[rna] = pk
            by_name[(name, commune)] = pk
        by_email = {
            email.lower(): actor
            for email, actor in Contact.objects.filter(actor__territory=territory)
            .exclude(email="")
            .order_by("-pk")
            .values_list("email", "actor_id")
        }
        codes = {normalise_insee(r.get("commune")) for r in rows if r.get("commune")}
        communes = {c.pk: c for c in Commune.objects.filter(pk__in=codes)}
        names: dict[str, list[Commune]] = {}
        for commune in territory.communes.all():
            names.setdefault(column_key(commune.name), []).append(commune)
        return cls(by_siret, by_rna, by_name, by_email, by_commune, communes, names)

    def find(self, row: ActorRow) -> tuple[int, str] | None:
        values = row.values_in
        commune = values.get("commune")
        rules = [
            ("siret", self.by_siret.get(values.get("siret") or "")),
            ("rna", self.by_rna.get(values.get("rna") or "")),
            (
                "name",
                self.by_name.get(
                    (normalise_actor_name(values["name"]), commune.pk if commune else None)
                ),
            ),
            ("email", self.by_email.get(row.contact.get("email", "").lower())),
            (
                "commune",
                self.by_commune.get(commune.pk)
                if commune and values.get("kind") == ActorKind.COMMUNE
                else None,
            ),
        ]
        return next(((pk, rule) for rule, pk in rules if pk), None)


# --- Reading a row ------------------------------------------------------------------


def _text(row: Row, key: str) -> str:
    return " ".join(unneutralise(row.get(key)).split())


def _commune(result: ActorRow, text: str, directory: _Directory) -> Commune | None:
    if not text:
        return None
    code = normalise_insee(text)
    if code in directory.communes:
        return directory.communes[code]
    if re.fullmatch(r"[0-9][0-9AB][0-9]{3}", code):
        result.errors.append(
            _("Commune : aucune commune n'a le code INSEE %(code)s.") % {"code": code}
        )
        return None
    found = directory.commune_names.get(column_key(text), [])
    if len(found) == 1:
        return found[0]
    if found:
        result.errors.append(
            _("Commune : plusieurs communes s'appellent « %(name)s » : donnez son code INSEE.")
            % {"name": text[:60]}
        )
    else:
        result.errors.append(
            _("Commune : « %(name)s » n'est pas une commune du territoire : donnez son code INSEE.")
            % {"name": text[:60]}
        )
    return None


def _read(
    row: Row, directory: _Directory, kinds: dict[str, str], themes: dict[str, str]
) -> ActorRow:
    result = ActorRow.of(row)
    name = _text(row, "nom")
    if not name:
        result.errors.append(_("Nom : indiquez le nom de l'acteur."))
    kind_text = _text(row, "type")
    kind = kinds.get(column_key(kind_text)) if kind_text else ActorKind.OTHER.value
    if kind is None:
        result.errors.append(
            _("Type : « %(value)s » inconnu (par exemple : Commune, Association, Entreprise).")
            % {"value": kind_text[:40]}
        )
    elif not kind_text:
        result.warnings.append(_("Type non indiqué : « Autre »."))
    listed = False
    if row.get("annuaire_public"):
        label = _("Annuaire public")
        listed = bool(
            result.cell(lambda text: parse_yes_no(text, label=label), row.get("annuaire_public"))
        )
    if row.get("membre_depuis"):
        joined = result.cell(parse_date, row.get("membre_depuis"))
        if joined is not None and joined > timezone.localdate():
            result.errors.append(_("Membre depuis : la date est dans le futur."))
        result.joined_on = joined
    result.values_in = {
        "name": name,
        "kind": kind or ActorKind.OTHER.value,
        "commune": _commune(result, _text(row, "commune"), directory),
        "address": _text(row, "adresse"),
        "postal_code": _text(row, "code_postal"),
        "website": _text(row, "site_web"),
        "description": unneutralise(row.get("presentation")),
        "siret": normalise_siret(_text(row, "siret")),
        "rna": normalise_rna(_text(row, "rna")),
        "listed": listed,
    }
    for code in filter(None, _SPLIT.split(_text(row, "themes"))):
        if column_key(code) in themes:
            result.themes.append(themes[column_key(code)])
        else:
            result.errors.append(_("Thèmes : « %(value)s » inconnu.") % {"value": code[:40]})
    result.tags = services.clean_tags(_SPLIT.split(_text(row, "mots_cles")))
    if len(result.tags) > services.MAX_TAGS:
        result.errors.append(_("Mots-clés : %(n)d au plus.") % {"n": services.MAX_TAGS})
    _read_contact(result, row)
    if name and kind:
        _check_actor(result)
    return result


def _read_contact(result: ActorRow, row: Row) -> None:
    contact = {
        "first_name": _text(row, "contact_prenom"),
        "last_name": _text(row, "contact_nom"),
        "role": _text(row, "contact_fonction"),
        "email": _text(row, "contact_email").replace(" ", ""),
        "phone": _text(row, "contact_telephone"),
    }
    if not any(contact.values()):
        return
    if not contact["first_name"]:
        result.errors.append(_("Prénom du contact : indiquez-le (le contact est une personne)."))
    if contact["email"]:
        try:
            _email(contact["email"])
        except ValidationError:
            result.errors.append(
                _("E-mail du contact : « %(value)s » n'est pas une adresse e-mail.")
                % {"value": contact["email"][:60]}
            )
    result.contact = contact


def _check_actor(result: ActorRow) -> None:
    """The entry's own rules (SIRET, RNA, postal code, a commune's commune,
    lengths, web address), without those a duplicate breaks: those are for
    the merge."""
    actor = Actor(**{k: v for k, v in result.values_in.items() if k != "commune"})
    actor.commune = result.values_in["commune"]
    labels = {
        name: _label(name)
        for name in (*result.values_in, "local_register_court")
        if name != "commune"
    }
    labels["commune"] = _("Commune")
    for name, messages in services.identifier_errors(actor).items():
        for message in messages:
            result.errors.append(f"{labels.get(name, name)} : {message}")
    try:
        actor.clean_fields(exclude=["territory", "commune", "logo", "siret", "rna", "postal_code"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                result.errors.append(f"{labels.get(name, name)} : {message}")


# --- The rows of one actor, and what a merge would do ------------------------------


def _identity(result: ActorRow) -> list[tuple[str, Any]]:
    values = result.values_in
    keys: list[tuple[str, Any]] = []
    if values.get("siret"):
        keys.append(("siret", values["siret"]))
    if values.get("rna"):
        keys.append(("rna", values["rna"]))
    commune = values.get("commune")
    keys.append(("name", (normalise_actor_name(values["name"]), commune.pk if commune else None)))
    return keys


def _conflicts(first: ActorRow, other: ActorRow) -> list[str]:
    names = []
    for name, value in other.values_in.items():
        if value and first.values_in.get(name) and value != first.values_in[name]:
            names.append(_label(name))
    return names


def _group(results: list[ActorRow]) -> None:
    """The next rows of an actor join its first row; two rows of one
    contact, or two versions of one actor, are errors."""
    first_of: dict[tuple[str, Any], ActorRow] = {}
    emails: dict[str, int] = {}
    for result in results:
        if result.errors:
            continue
        email = result.contact.get("email", "").lower()
        if email and email in emails:
            result.errors.append(
                _("E-mail du contact : déjà donné ligne %(line)d.") % {"line": emails[email]}
            )
            continue
        keys = _identity(result)
        first = next((first_of[k] for k in keys if k in first_of), None)
        if first is None:
            for key in keys:
                first_of[key] = result
        elif conflicts := _conflicts(first, result):
            result.errors.append(
                _(
                    "Même acteur que la ligne %(line)d, avec une autre valeur pour : %(fields)s. "
                    "Gardez une seule version."
                )
                % {"line": first.line, "fields": ", ".join(conflicts)}
            )
            continue
        elif not result.contact:
            result.errors.append(
                _("Même acteur que la ligne %(line)d, sans contact de plus : ligne en double.")
                % {"line": first.line}
            )
            continue
        else:
            result.first_line = first.line
            result.note = _("Autre contact de l'acteur de la ligne %(line)d.") % {
                "line": first.line
            }
        if email:
            emails[email] = result.line


def _contact_key(contact: Mapping[str, str]) -> str:
    if contact.get("email"):
        return contact["email"].lower()
    return column_key(f"{contact.get('first_name', '')} {contact.get('last_name', '')}")


def _merge_changes(actor: Actor, rows: list[ActorRow]) -> list[str]:
    """What merging `rows` into `actor` would change, said in French."""
    first = rows[0]
    changes = []
    for name in FILLABLE:
        if first.values_in.get(name) and not getattr(actor, name):
            label = _label(name)
            changes.append(_("%(field)s ajouté") % {"field": label})
    if first.values_in.get("commune") and not actor.commune_id:
        changes.append(_("Commune ajoutée"))
    have = {t.theme for t in actor.themes.all()}
    if new := [t for t in dict.fromkeys(first.themes) if t not in have]:
        changes.append(
            _("Thèmes ajoutés : %(t)s") % {"t": ", ".join(str(Theme(t).label) for t in new)}
        )
    tags = {t.label for t in actor.tags.all()}
    if new := [t for t in first.tags if t not in tags]:
        changes.append(_("Mots-clés ajoutés : %(t)s") % {"t": ", ".join(new)})
    contacts = {
        _contact_key({"email": c.email, "first_name": c.first_name, "last_name": c.last_name})
        for c in actor.contacts.all()
    }
    for row in rows:
        if row.contact and _contact_key(row.contact) not in contacts:
            changes.append(_("Contact ajouté : %(name)s") % {"name": _full_name(row.contact)})
    memberships = list(actor.memberships.all())
    latest = memberships[-1] if memberships else None
    if first.joined_on and (latest is None or latest.status != MembershipStatus.MEMBER):
        changes.append(_("Membre depuis le %(d)s") % {"d": first.joined_on.strftime("%d/%m/%Y")})
    return changes


def _full_name(contact: Mapping[str, str]) -> str:
    return " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p)


def _against_directory(
    territory: Territory, results: list[ActorRow], directory: _Directory
) -> None:
    firsts = [r for r in results if not r.errors and not r.first_line]
    found = {id(r): directory.find(r) for r in firsts}
    pks = {hit[0] for hit in found.values() if hit}
    actors = {
        a.pk: a
        for a in Actor.objects.filter(pk__in=pks)
        .select_related("commune")
        .prefetch_related(
            "themes",
            "tags",
            "contacts",
            Prefetch("memberships", queryset=Membership.objects.order_by("pk")),
        )
    }
    others: dict[int, list[ActorRow]] = {}
    for result in results:
        if result.first_line and not result.errors:
            others.setdefault(result.first_line, []).append(result)
    reasons = {**REASONS, "commune": _("la même commune")}
    for result in firsts:
        group = [result, *others.get(result.line, [])]
        hit = found[id(result)]
        if hit is None:
            continue
        actor = actors[hit[0]]
        for row in group:
            row.match, row.match_reason = actor, str(reasons[hit[1]])
        result.changes = _merge_changes(actor, group)
        status = DUPLICATE if result.changes else PRESENT
        for row in group:
            row.status = status
        if status == PRESENT:
            result.note = _("Déjà dans l'annuaire (« %(name)s », %(reason)s), rien à ajouter.") % {
                "name": actor.name,
                "reason": result.match_reason,
            }
        else:
            result.note = _("Doublon de « %(name)s » (%(reason)s).") % {
                "name": actor.name,
                "reason": result.match_reason,
            }


def _check(territory: Territory, report: ActorImportReport, rows: list[Row]) -> None:
    directory = _Directory.of(territory, rows)
    kinds, themes = _kinds(), _themes()
    results = [_read(row, directory, kinds, themes) for row in rows]
    _group(results)
    _against_directory(territory, results, directory)
    # A row of an actor whose first row is wrong cannot be written either.
    wrong = {r.line for r in results if r.errors}
    for result in results:
        if result.first_line in wrong:
            result.errors.append(
                _("La ligne %(line)d de cet acteur est à corriger.") % {"line": result.first_line}
            )
    report.rows.extend(results)


def import_preview(
    *,
    territory: Territory,
    data: bytes,
    filename: str,
    mapping: Mapping[int, str] | None = None,
) -> ActorImportReport:
    """The dry run: every row checked, duplicates found; nothing written."""
    report = ActorImportReport()
    preview(
        report,
        data=data,
        filename=filename,
        schema=SCHEMA,
        check=lambda rows: _check(territory, report, rows),
        mapping=mapping,
    )
    for result in report.rows:
        if result.errors:
            result.status = ERROR
    return report


# --- Writing ------------------------------------------------------------------------


def _create(territory: Territory, group: list[ActorRow], user: User | None) -> None:
    first = group[0]
    actor = services.actor_create(
        territory=territory, data=first.values_in, user=user, themes=first.themes, tags=first.tags
    )
    for row in group:
        if row.contact:
            services.contact_save(actor=actor, data=row.contact, user=user)
    if first.joined_on:
        services.membership_join(actor=actor, joined_on=first.joined_on, user=user)


def _merge(report: ActorImportReport, group: list[ActorRow], user: User) -> None:
    first = group[0]
    actor = first.match
    assert actor is not None
    fill = {
        n: first.values_in[n] for n in FILLABLE if first.values_in.get(n) and not getattr(actor, n)
    }
    if first.values_in.get("commune") and not actor.commune_id:
        fill["commune"] = first.values_in["commune"]
    themes = [t.theme for t in actor.themes.all()] + first.themes
    tags = [t.label for t in actor.tags.all()] + first.tags
    services.actor_update(actor=actor, data=fill, user=user, themes=themes, tags=tags)
    have = {
        _contact_key({"email": c.email, "first_name": c.first_name, "last_name": c.last_name})
        for c in actor.contacts.all()
    }
    for row in group:
        if row.contact and _contact_key(row.contact) not in have:
            services.contact_save(actor=actor, data=row.contact, user=user)
            report.contacts_added += 1
    if first.joined_on:
        latest = services.current_membership(actor)
        if latest is None or latest.status != MembershipStatus.MEMBER:
            services.membership_join(actor=actor, joined_on=first.joined_on, user=user)
    report.merged += 1


def actor_import(
    *,
    territory: Territory,
    data: bytes,
    filename: str,
    user: User,
    decisions: Mapping[int, str],
    mapping: Mapping[int, str] | None = None,
) -> ActorImportReport:
    """Check the file again, then write every new actor and every merge the
    organiser chose, or nothing (`ImportRejected` with the report)."""
    with transaction.atomic():
        # One import of a territory at a time: the second waits, then sees
        # the first one's actors as already there.
        Territory.objects.select_for_update().filter(pk=territory.pk).first()
        report = import_preview(territory=territory, data=data, filename=filename, mapping=mapping)
        report.decisions = {
            line: decisions.get(line, SKIP) for line in (r.line for r in report.duplicate_rows)
        }
        groups: dict[int, list[ActorRow]] = {}
        for row in report.rows:
            groups.setdefault(row.group_line, []).append(row)

        def write(new_rows: list[ActorRow]) -> None:
            try:
                for line, group in groups.items():
                    if group[0].status == NEW:
                        _create(territory, group, user)
                    elif group[0].status == DUPLICATE and report.decisions.get(line) == MERGE:
                        _merge(report, group, user)
            except ValidationError as refused:
                # Only when the data changed since the check (a race): say it.
                report.file_errors.extend(_messages(refused))
                raise ImportRejected(report) from refused

        write_all(report, write)
        report.created = report.actor_count
    return report


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name} : {m}" for name, ms in error.message_dict.items() for m in ms]
    return [str(m) for m in error.messages]


# --- Export -------------------------------------------------------------------------


def export_header() -> list[str]:
    return [str(f.label) for f in SCHEMA.fields]


def export_rows(territory: Territory) -> Iterable[list[Any]]:
    """One row per contact of each actor (one row for an actor without
    any), in the import's columns: the file imported again changes nothing."""
    actors = (
        Actor.objects.filter(territory=territory)
        .select_related("commune")
        .prefetch_related(
            "themes",
            "tags",
            Prefetch("contacts", queryset=Contact.objects.order_by("pk")),
            Prefetch("memberships", queryset=Membership.objects.order_by("-joined_on", "-pk")),
        )
        .order_by("normalised_name", "pk")
    )
    for actor in actors.iterator(chunk_size=500):
        member = next(
            (
                m
                for m in actor.memberships.all()
                if m.status == MembershipStatus.MEMBER and not m.left_on
            ),
            None,
        )
        base = [
            actor.name,
            actor.get_kind_display(),
            actor.commune_id or "",
            actor.address,
            actor.postal_code,
            actor.website,
            actor.description,
            actor.siret,
            actor.rna,
            ", ".join(str(Theme(t.theme).label) for t in actor.themes.all()),
            ", ".join(t.label for t in actor.tags.all()),
            _("oui") if actor.listed else _("non"),
            member.joined_on if member and member.joined_on else "",
        ]
        contacts: list[Contact | None] = [*actor.contacts.all()] or [None]
        for contact in contacts:
            yield base + (
                [contact.first_name, contact.last_name, contact.role, contact.email, contact.phone]
                if contact
                else ["", "", "", "", ""]
            )
