"""Open data: the public aggregates of the platform as datasets, each with a
Frictionless Table Schema, under the Licence Ouverte 2.0, at stable
addresses (/donnees-ouvertes/<jeu>.csv, .json, .schema.json), listed in a
Data Package and on one page.

Only what the public pages already show goes in: results of closed
challenges (aggregates, never a household), pledge campaigns open to all,
public events of published territories, campaign-week editions' figures,
published resources of the commons. Each dataset is a fixed number of
queries whatever its size. The same rows give the CSV, the JSON and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from commons.licences import Licence, terms
from commons.models import Resource
from events.models import Audience as EventAudience
from events.models import Event
from events.models import RegistrationStatus as SeatStatus
from network import campaigns
from network.models import CampaignWeek
from pledges.models import Audience as CampaignAudience
from pledges.models import Campaign, CampaignStatus
from reports import comparison
from territories.themes import Theme

LICENCE = terms(Licence.LICENCE_OUVERTE)
# Public aggregates may be this old (the pledge widget's documented delay).
FRESH_SECONDS = 30
LICENCE_ID = "etalab-2.0"  # its identifier in the SPDX-like list of data.gouv.fr


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema types: string, integer, number, boolean, date, datetime
    title: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description,
        }
        if self.type in ("date", "datetime"):
            out["format"] = "default"  # ISO 8601
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    build: Callable[[str], list[dict[str, Any]]]

    def rows(self, base_url: str = "") -> list[dict[str, Any]]:
        """The rows, keyed by field name in the schema's order; `base_url`
        makes the page addresses absolute. Kept FRESH_SECONDS in the cache:
        the page, its files and the API read the same rows, never older."""
        key = f"elan:opendata:{self.slug}:{base_url}"
        cached = cache.get(key)
        if cached is not None:
            return list(cached)
        names = [f.name for f in self.fields]
        rows = [{name: row.get(name) for name in names} for row in self.build(base_url)]
        cache.set(key, rows, FRESH_SECONDS)
        return rows

    def table_schema(self) -> dict[str, Any]:
        return {
            "fields": [f.schema() for f in self.fields],
            "primaryKey": list(self.primary_key),
            "missingValues": [""],
        }


# --- builders ---------------------------------------------------------------------


def _results(base: str) -> list[dict[str, Any]]:
    rows = []
    for theme in comparison.THEMES:
        for row in comparison.comparison_rows(comparison.Filters(theme=theme, sort="territoire")):
            per_person_unit = {"energie": "kWh", "eau": "m³/an"}.get(theme, "")
            rows.append(
                {
                    "defi_id": row["challenge_id"],
                    "theme": theme,
                    "defi": row["challenge"],
                    "territoire": row["territory"],
                    "territoire_code": row["territory_slug"],
                    "region_code": row["region_code"],
                    "region": row["region"],
                    "annee": row["year"],
                    "debut": row["starts_on"],
                    "fin": row["ends_on"],
                    "foyers": row["households"],
                    "equipes": row["teams"],
                    "foyers_complets": _int(row.get("complete")),
                    "economies_pct": row["savings_pct"],
                    "moyenne_foyers_pct": row.get("mean_household_pct"),
                    "economie_par_foyer_kwh": row.get("per_household"),
                    "economie_par_personne": row.get("per_person"),
                    "unite_par_personne": per_person_unit
                    if row.get("per_person") is not None
                    else "",
                    "dechets_evites_t": row.get("avoided_tonnes"),
                    "objectif_pct": row.get("objective_pct"),
                    "objectif_atteint": row["objective_reached"],
                    "corrige_climat": row["climate_corrected"],
                    "table_facteurs": row["factor_set"],
                    "bilan_url": base
                    + reverse(
                        "reports:public", args=[row["territory_slug"], row["challenge_slug"]]
                    ),
                }
            )
    rows.sort(key=lambda r: (r["territoire"], -r["annee"], r["defi"], r["theme"]))
    return rows


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _campaigns(base: str) -> list[dict[str, Any]]:
    found = (
        Campaign.objects.visible()
        .filter(territory__is_published=True, audience=CampaignAudience.PUBLIC)
        .select_related("territory", "sponsor", "operation")
        .order_by("territory__name", "-deadline", "pk")
    )
    return [
        {
            "campagne_id": c.pk,
            "campagne": c.title,
            "territoire": c.territory.name,
            "territoire_code": c.territory.slug,
            "region_code": c.territory.region_id,
            "engagement": c.action_phrase,
            "parrain": c.organisation_name,
            "contrepartie": c.counterpart,
            "objectif_participants": c.participants_goal,
            "participants": c.participants_count,
            "objectif_quantite": c.quantity_goal,
            "quantite": c.quantity_total,
            "unite": c.quantity_unit if c.quantity_goal is not None else "",
            "date_limite": _local(c.deadline),
            "statut": c.status,
            "objectif_atteint_le": _local(c.reached_at),
            "promesse_tenue_le": _local(c.fulfilled_at),
            "url": base + reverse("pledges:detail", args=[c.territory.slug, c.slug]),
        }
        for c in found
    ]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Paris time to the second: the CSV and the JSON write the same text."""
    return None if value is None else timezone.localtime(value).replace(microsecond=0)


def _events(base: str) -> list[dict[str, Any]]:
    found = (
        Event.objects.published()
        .filter(territory__is_published=True, audience=EventAudience.PUBLIC)
        .select_related("territory", "commune")
        .annotate(
            inscrits=Count("registrations", filter=Q(registrations__status=SeatStatus.CONFIRMED))
        )
        .order_by("starts_at", "pk")
    )
    return [
        {
            "evenement_id": e.pk,
            "titre": e.title,
            "type": e.kind,
            "theme": e.theme,
            "territoire": e.territory.name,
            "territoire_code": e.territory.slug,
            "region_code": e.territory.region_id,
            "debut": _local(e.starts_at),
            "fin": _local(e.ends_at),
            "lieu": e.place_name,
            "commune_insee": e.commune_id or "",
            "commune": e.commune.name if e.commune else "",
            "statut": e.status,
            "places": e.capacity,
            "inscrits": e.inscrits,
            "url": base + reverse("events:detail", args=[e.territory.slug, e.pk]),
        }
        for e in found
    ]


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _weeks(base: str) -> list[dict[str, Any]]:
    weeks = list(
        CampaignWeek.objects.filter(territory__is_published=True)
        .select_related("territory")
        .order_by("territory__name", "-starts_on", "pk")
    )
    figures = campaigns.figures_for(weeks)
    rows = []
    for week in weeks:
        f = figures[week.pk]
        rows.append(
            {
                "semaine_id": week.pk,
                "semaine": week.title,
                "theme": week.theme,
                "territoire": week.territory.name,
                "territoire_code": week.territory.slug,
                "region_code": week.territory.region_id,
                "du": week.starts_on,
                "au": week.ends_on,
                "actions": f.actions,
                "actions_distinctes": f.distinct_actions,
                "partenaires": f.partners,
                "participants_attendus": f.expected_attendance,
                "journees_valorisees": f.staff_days,
                "temps_valorise_eur": _money(f.staff_value),
                "depenses_materielles_eur": _money(f.material_expenses),
                "depenses_valorisees_eur": _money(f.valued_expenses),
                "url": base
                + reverse("network:campaign_week_public", args=[week.territory.slug, week.pk]),
            }
        )
    return rows


def _resources(base: str) -> list[dict[str, Any]]:
    found = Resource.objects.published().order_by("title", "pk")
    return [
        {
            "ressource": r.slug,
            "titre": r.title,
            "type": r.kind,
            "theme": r.theme,
            "resume": r.summary,
            "licence": r.licence,
            "structure": r.organisation,
            "mise_a_jour": r.content_updated_on,
            "url": base + r.get_absolute_url(),
        }
        for r in found
    ]


# --- the datasets -------------------------------------------------------------------

_TERRITORY = (
    Field("territoire", "string", "Territoire", "Nom du territoire.", required=True),
    Field(
        "territoire_code",
        "string",
        "Code du territoire",
        "Adresse courte du territoire sur la plateforme (stable).",
        required=True,
    ),
    Field("region_code", "string", "Code de la région", "Code INSEE de la région.", required=True),
)
_THEMES = tuple(Theme.values)

DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (
        Dataset(
            "resultats-defis",
            "Résultats des défis clos",
            "Les résultats définitifs de chaque défi terminé, un thème mesuré par ligne "
            "(énergie, eau, déchets) : foyers, équipes, économies en rapport des sommes sur "
            "les foyers complets, corrigées du climat pour l'énergie quand les degrés-jours "
            "sont connus, moyenne des pourcentages des foyers, par foyer et par personne. "
            "Agrégats seulement : aucun foyer.",
            (
                Field("defi_id", "integer", "Identifiant du défi", "Stable.", required=True),
                Field(
                    "theme",
                    "string",
                    "Thème",
                    "Thème mesuré.",
                    required=True,
                    enum=tuple(comparison.THEMES),
                ),
                Field("defi", "string", "Défi", "Titre du défi.", required=True),
                *_TERRITORY,
                Field("region", "string", "Région", "Nom de la région."),
                Field("annee", "integer", "Année de début", "Année du premier jour du défi."),
                Field("debut", "date", "Début", "Premier jour du défi."),
                Field("fin", "date", "Fin", "Dernier jour du défi."),
                Field("foyers", "integer", "Foyers", "Foyers inscrits qui ont pris part au thème."),
                Field("equipes", "integer", "Équipes", "Équipes du défi."),
                Field(
                    "foyers_complets",
                    "integer",
                    "Foyers complets",
                    "Foyers dont les relevés couvrent la référence et le défi : eux seuls "
                    "comptent dans les économies.",
                ),
                Field(
                    "economies_pct",
                    "number",
                    "Économies (%)",
                    "(Référence − défi) ÷ référence, sommes des foyers complets, en % ; "
                    "pour les déchets, baisse des déchets résiduels.",
                ),
                Field(
                    "moyenne_foyers_pct",
                    "number",
                    "Moyenne des foyers (%)",
                    "Moyenne des pourcentages d'économies des foyers complets.",
                ),
                Field(
                    "economie_par_foyer_kwh",
                    "number",
                    "Économie par foyer (kWh)",
                    "Énergie : kWh économisés ÷ foyers complets, sur la période du défi.",
                ),
                Field(
                    "economie_par_personne",
                    "number",
                    "Économie par personne",
                    "Énergie : kWh par personne sur la période ; eau : m³ par personne et "
                    "par an. L'unité est dans « unite_par_personne ».",
                ),
                Field(
                    "unite_par_personne",
                    "string",
                    "Unité de l'économie par personne",
                    "kWh ou m³/an.",
                    enum=("kWh", "m³/an", ""),
                ),
                Field(
                    "dechets_evites_t",
                    "number",
                    "Déchets évités (t)",
                    "Déchets : tonnes évitées par rapport à la référence.",
                ),
                Field("objectif_pct", "number", "Objectif (%)", "Objectif du défi pour le thème."),
                Field("objectif_atteint", "boolean", "Objectif atteint", "Économies ≥ objectif."),
                Field(
                    "corrige_climat",
                    "boolean",
                    "Corrigé du climat",
                    "Vrai quand la référence de chauffage a été corrigée par les degrés-jours.",
                ),
                Field(
                    "table_facteurs",
                    "string",
                    "Table de facteurs",
                    "Version de la table de facteurs de conversion (kWh, CO2, €) utilisée ; "
                    "chaque facteur et sa source sont dans l'annexe du bilan.",
                ),
                Field("bilan_url", "string", "Bilan public", "Adresse du bilan public du défi."),
            ),
            ("defi_id", "theme"),
            _results,
        ),
        Dataset(
            "engagements",
            "Campagnes d'engagements réciproques",
            "Les campagnes « SI N personnes s'engagent, ALORS le parrain fait X » ouvertes à "
            "tous : objectif, nombre d'engagés, statut, dates. Aucun participant nommé.",
            (
                Field("campagne_id", "integer", "Identifiant", "Stable.", required=True),
                Field("campagne", "string", "Campagne", "Titre.", required=True),
                *_TERRITORY,
                Field("engagement", "string", "Engagement", "Ce à quoi chacun s'engage."),
                Field("parrain", "string", "Parrain", "Qui tient la promesse."),
                Field("contrepartie", "string", "Contrepartie", "Ce que le parrain promet."),
                Field("objectif_participants", "integer", "Objectif de participants", "Seuil N."),
                Field("participants", "integer", "Participants", "Engagements confirmés."),
                Field(
                    "objectif_quantite",
                    "number",
                    "Objectif en quantité",
                    "Si la campagne compte une quantité (par exemple des km).",
                ),
                Field("quantite", "number", "Quantité déclarée", "Total déclaré."),
                Field("unite", "string", "Unité de la quantité", "Par exemple km."),
                Field("date_limite", "datetime", "Date limite", "Heure de Paris."),
                Field(
                    "statut",
                    "string",
                    "Statut",
                    "ouverte, atteinte, tenue ou expiree.",
                    enum=tuple(s for s in CampaignStatus.values if s != CampaignStatus.DRAFT),
                ),
                Field("objectif_atteint_le", "datetime", "Objectif atteint le", ""),
                Field("promesse_tenue_le", "datetime", "Promesse tenue le", ""),
                Field("url", "string", "Page", "Adresse de la campagne."),
            ),
            ("campagne_id",),
            _campaigns,
        ),
        Dataset(
            "evenements",
            "Événements publics",
            "Ateliers, réunions et sorties ouverts à tous des territoires publiés, avec "
            "leur nombre de places et d'inscrits confirmés.",
            (
                Field("evenement_id", "integer", "Identifiant", "Stable.", required=True),
                Field("titre", "string", "Titre", "", required=True),
                Field("type", "string", "Type", "Code du type d'événement."),
                Field("theme", "string", "Thème", "Code du thème.", enum=(*_THEMES, "")),
                *_TERRITORY,
                Field("debut", "datetime", "Début", "Heure de Paris."),
                Field("fin", "datetime", "Fin", "Heure de Paris."),
                Field("lieu", "string", "Lieu", ""),
                Field("commune_insee", "string", "Code INSEE de la commune", ""),
                Field("commune", "string", "Commune", ""),
                Field("statut", "string", "Statut", "publie ou annule."),
                Field("places", "integer", "Places", "Vide : sans limite."),
                Field("inscrits", "integer", "Inscrits confirmés", ""),
                Field("url", "string", "Page", "Adresse de l'événement dans l'agenda."),
            ),
            ("evenement_id",),
            _events,
        ),
        Dataset(
            "semaines-actions",
            "Semaines d'actions des réseaux d'acteurs",
            "Chaque édition d'une semaine d'actions (par exemple la semaine européenne de "
            "réduction des déchets) : actions acceptées, actions distinctes (une action "
            "répétée sur plusieurs dates compte une fois), partenaires, dépenses valorisées.",
            (
                Field("semaine_id", "integer", "Identifiant", "Stable.", required=True),
                Field("semaine", "string", "Édition", "", required=True),
                Field("theme", "string", "Thème", "Code du thème.", enum=(*_THEMES, "")),
                *_TERRITORY,
                Field("du", "date", "Du", ""),
                Field("au", "date", "Au", ""),
                Field("actions", "integer", "Actions", "Dates acceptées : chaque date compte."),
                Field("actions_distinctes", "integer", "Actions distinctes", ""),
                Field(
                    "partenaires",
                    "integer",
                    "Partenaires impliqués",
                    "Acteurs déclarants et co-organisateurs, chacun une fois.",
                ),
                Field("participants_attendus", "integer", "Participants attendus", ""),
                Field("journees_valorisees", "number", "Journées de travail", ""),
                Field(
                    "temps_valorise_eur",
                    "number",
                    "Temps valorisé (€)",
                    "Journées × valeur d'une journée fixée pour l'édition.",
                ),
                Field("depenses_materielles_eur", "number", "Dépenses matérielles (€)", ""),
                Field("depenses_valorisees_eur", "number", "Dépenses valorisées (€)", "Total."),
                Field("url", "string", "Page", "Adresse publique de l'édition."),
            ),
            ("semaine_id",),
            _weeks,
        ),
        Dataset(
            "ressources",
            "Ressources du commun",
            "Les méthodes, outils et fiches d'expérience publiés dans le commun de "
            "ressources, avec leur licence propre (la fiche elle-même peut avoir une autre "
            "licence que ce catalogue).",
            (
                Field(
                    "ressource", "string", "Identifiant", "Adresse courte (stable).", required=True
                ),
                Field("titre", "string", "Titre", "", required=True),
                Field("type", "string", "Type", "Code du type de ressource."),
                Field("theme", "string", "Thème", "Code du thème.", enum=(*_THEMES, "")),
                Field("resume", "string", "Résumé", ""),
                Field(
                    "licence", "string", "Licence de la ressource", "", enum=tuple(Licence.values)
                ),
                Field("structure", "string", "Structure", "Qui l'a rédigée."),
                Field("mise_a_jour", "date", "Mise à jour", ""),
                Field("url", "string", "Page", "Adresse de la ressource."),
            ),
            ("ressource",),
            _resources,
        ),
    )
}


def package(base_url: str) -> dict[str, Any]:
    """The Frictionless Data Package of every dataset."""
    return {
        "name": "elan-donnees-ouvertes",
        "title": "Élan — données ouvertes",
        "description": "Agrégats publics des défis, engagements, événements, réseaux "
        "d'acteurs et du commun de ressources.",
        "licenses": [{"name": LICENCE_ID, "title": LICENCE.short, "path": LICENCE.url}],
        "created": timezone.now().isoformat(timespec="seconds"),
        "resources": [
            {
                "name": d.slug,
                "title": d.title,
                "description": d.description,
                "path": base_url + reverse("reports:opendata_file", args=[d.slug, "csv"]),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "schema": base_url + reverse("reports:opendata_schema", args=[d.slug]),
            }
            for d in DATASETS.values()
        ],
    }
