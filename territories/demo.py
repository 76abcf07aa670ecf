"""The demo territory that `manage.py seed_demo` builds: real communes of the
Drôme valley, fictional people and organisations.

Every write goes through get_or_create / update_or_create on a natural key, so
running it again creates nothing. The random draws come from `ctx.rng`
(seeded) and are all made whatever the database holds, so a second run draws
the same households as the first.

Until each app has its own `demo` module, the accounts part (users,
households, consent texts) lives here too.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import ConsentText, Heating, Household, HousingType, User
from accounts.services import consent_give
from territories.models import (
    Commune,
    Department,
    Membership,
    Partner,
    Region,
    RegionalCoordinator,
    Role,
    Territory,
    TerritoryKind,
)

DEMO_PASSWORD = "demo-elan-2026"  # noqa: S105 - published on purpose: demo logins
DEMO_DOMAIN = "demo.elan.localhost"
DEMO_SEED = 2026
HOUSEHOLD_COUNT = 40


@dataclass
class DemoContext:
    """What the demo modules share, in INSTALLED_APPS order: each one reads
    what the previous ones made and adds its own."""

    # Not for secrets: the same seed must draw the same demo every time.
    rng: random.Random = field(default_factory=lambda: random.Random(DEMO_SEED))  # noqa: S311
    password_hash: str = ""
    territory: Territory | None = None
    territories: dict[str, Territory] = field(default_factory=dict)
    communes: dict[str, Commune] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    households: list[Household] = field(default_factory=list)
    # The texts every demo account has accepted.
    consent_texts: list[ConsentText] = field(default_factory=list)
    # (e-mail, what the account shows) printed at the end of the command.
    logins: list[tuple[str, str]] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        # PBKDF2 takes a good fraction of a second: hash once, share the hash.
        if not self.password_hash:
            self.password_hash = make_password(DEMO_PASSWORD)

    def count(self, label: str, created: bool) -> None:
        self.created[label] += int(created)


# Real communes (Code officiel géographique 2026, populations légales as
# shipped by @etalab/decoupage-administratif 6.0.0); centres are approximate.
# INSEE spells 26144 « Grane » without a circumflex: we keep the official name
# so that load_communes and the demo agree.
COMMUNES: list[dict[str, Any]] = [
    {
        "insee_code": "26108",
        "name": "Crest",
        "postal_codes": " 26400",
        "population": 8658,
        "latitude": Decimal("44.72833"),
        "longitude": Decimal("5.02222"),
    },
    {
        "insee_code": "26011",
        "name": "Aouste-sur-Sye",
        "postal_codes": " 26400",
        "population": 2733,
        "latitude": Decimal("44.71806"),
        "longitude": Decimal("5.05306"),
    },
    {
        "insee_code": "26289",
        "name": "Saillans",
        "postal_codes": " 26340",
        "population": 1460,
        "latitude": Decimal("44.69611"),
        "longitude": Decimal("5.19500"),
    },
    {
        "insee_code": "26144",
        "name": "Grane",
        "postal_codes": " 26400",
        "population": 2204,
        "latitude": Decimal("44.73194"),
        "longitude": Decimal("4.92250"),
    },
    {
        "insee_code": "26183",
        "name": "Mirabel-et-Blacons",
        "postal_codes": " 26400",
        "population": 1198,
        "latitude": Decimal("44.70972"),
        "longitude": Decimal("5.09917"),
    },
    {
        "insee_code": "26234",
        "name": "Piégros-la-Clastre",
        "postal_codes": " 26400",
        "population": 882,
        "latitude": Decimal("44.68861"),
        "longitude": Decimal("5.07667"),
    },
]

VAL_DE_DROME_DESCRIPTION = """\
La Communauté de communes du Val de Drôme en transition réunit six communes \
de la vallée, de Grane à Saillans, autour d'une ambition simple : réduire \
ensemble nos consommations d'énergie, d'eau et nos déchets, sans attendre que \
les solutions viennent d'ailleurs.

Chaque hiver, des familles se regroupent en équipes pour relever le défi \
« Foyers à énergie positive » : relevés de compteurs, éco-gestes, ateliers \
pratiques et soirées de partage. Au printemps, le défi « Zéro déchet » prend \
le relais avec les composteurs de quartier et les commerçants du marché de \
Crest.

Autour de ces défis, un réseau d'acteurs s'est constitué : associations, \
écoles, entreprises, communes et citoyens partagent leurs actions, se \
forment et se retrouvent en conseil des acteurs deux fois par an. Les \
méthodes et fiches d'expérience produites ici rejoignent le commun de \
ressources, sous licence ouverte, pour que d'autres territoires s'en \
emparent."""

SAILLANS_DESCRIPTION = """\
Saillans Demain est un collectif d'habitantes et d'habitants qui prolonge la \
démocratie participative du village sur le terrain de la transition : \
défis familles, ateliers de réparation, covoiturage vers Crest et \
engagements réciproques avec la mairie.

Le collectif partage ses outils avec la communauté de communes et accueille \
volontiers les curieux lors de ses réunions mensuelles à la salle des fêtes."""

PARTNERS = [
    ("Association Les Colibris du Crestois", "https://colibris-crestois.example.org"),
    ("Énergie Partagée Drôme (fictif)", "https://energie-partagee-drome.example.org"),
    ("Biocoop de la vallée", "https://biocoop-vallee.example.org"),
    ("Recyclerie La Ressourcerie du Val", "https://ressourcerie-val.example.org"),
]

TERMS_BODY = """\
Élan est une plateforme qui permet aux collectivités, associations et \
collectifs citoyens d'animer des défis de transition (énergie, eau, déchets), \
des engagements réciproques et un réseau d'acteurs sur leur territoire. \
En créant un compte, vous acceptez les présentes conditions.

Votre compte est personnel. Vous vous engagez à fournir des informations \
exactes sur votre foyer et vos relevés, à ne pas usurper l'identité d'une \
autre personne et à rester courtois dans les échanges avec votre équipe et \
les animateurs. Les animateurs d'un territoire peuvent suspendre un compte \
qui ne respecte pas ces règles.

Les résultats collectifs d'un défi (économies moyennes, nombre de foyers, \
progression des équipes) sont publiés de façon anonyme. Les ressources que \
vous publiez dans le commun de ressources sont placées sous Licence Ouverte \
2.0 ; vous garantissez en détenir les droits.

La plateforme est fournie sans garantie de disponibilité permanente. Vous \
pouvez supprimer votre compte à tout moment depuis votre espace personnel ; \
les conditions en vigueur et leurs versions successives restent consultables \
sur le site."""

PRIVACY_BODY = """\
Qui voit quoi. Vos nom, adresse e-mail, composition du foyer et relevés ne \
sont visibles que par vous, par les animateurs de votre territoire et, pour \
l'état d'avancement de vos relevés (pas leurs valeurs, sauf si vous les \
partagez), par le capitaine de votre équipe. Sur les cartes, aucune position \
n'est plus précise que votre commune. Les résultats publiés sont agrégés et \
anonymes.

Pourquoi. Ces données servent uniquement à faire fonctionner les défis et \
campagnes auxquels vous participez, à calculer les résultats collectifs et \
à vous envoyer les messages liés à votre participation. Elles ne sont ni \
vendues ni cédées ; la base légale est l'exécution du service que vous avez \
demandé et, pour les lettres d'information, votre consentement.

Combien de temps. Vos données sont conservées tant que votre compte est \
actif, puis supprimées trois ans après votre dernière connexion. À la \
suppression du compte, les données personnelles sont effacées ; seuls \
restent des agrégats anonymes afin que les résultats déjà publiés ne \
changent pas.

Vos droits. Conformément au RGPD, vous pouvez accéder à vos données, les \
exporter, les rectifier, les effacer, vous opposer à un traitement ou retirer \
un consentement depuis votre espace personnel, ou en écrivant aux animateurs \
de votre territoire. Vous pouvez aussi saisir la CNIL (www.cnil.fr)."""

# Frequent surnames of the Drôme and of France, and first names of several
# generations: plausible, attached to no real person.
FAMILY_NAMES = [
    "Martin", "Bernard", "Faure", "Roux", "Chabert", "Blanc", "Garnier", "Morel",
    "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "Fontaine", "Rousseau",
    "Vincent", "Muller", "Lefèvre", "Fournier", "Giraud", "Brun", "Arnaud", "Reynaud",
    "Barthélémy", "Chevalier", "Nguyen", "Benali", "Da Silva", "Perrin", "Gauthier",
    "Clément", "Robin", "Masson", "Sanchez", "Boyer", "Moulin", "Jacquet", "Rey", "Gay",
    "Meunier", "Brunel", "Charrier", "Lopez", "Haddad", "Delorme", "Vial", "Mounier",
]  # fmt: skip
FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Élodie", "Nathalie",
    "Sophie", "Amandine", "Aurélie", "Fatima", "Mathilde", "Anne", "Isabelle", "Lucie",
    "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Romain", "Mehdi", "Pierre",
    "Sébastien", "Guillaume", "Hugo", "Lucas", "Olivier", "Karim", "François", "Yannick",
]  # fmt: skip


def email_for(first_name: str, last_name: str) -> str:
    def plain(value: str) -> str:
        decomposed = unicodedata.normalize("NFKD", value)
        ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
        return "-".join(ascii_only.lower().replace("'", " ").split())

    return f"{plain(first_name)}.{plain(last_name)}@{DEMO_DOMAIN}"


def seed(ctx: DemoContext) -> None:
    _seed_geography(ctx)
    _seed_consent_texts(ctx)
    _seed_territories(ctx)
    _seed_staff(ctx)
    _seed_households(ctx)


def _seed_geography(ctx: DemoContext) -> None:
    region, created = Region.objects.get_or_create(
        code="84", defaults={"name": "Auvergne-Rhône-Alpes"}
    )
    ctx.count("régions", created)
    drome, created = Department.objects.get_or_create(
        code="26", defaults={"name": "Drôme", "region": region}
    )
    ctx.count("départements", created)
    for values in COMMUNES:
        commune, created = Commune.objects.update_or_create(
            insee_code=values["insee_code"],
            defaults={**values, "department": drome},
        )
        ctx.communes[commune.insee_code] = commune
        ctx.count("communes", created)


def _seed_consent_texts(ctx: DemoContext) -> None:
    # get_or_create, not update: a published version is never rewritten, a
    # change of text is a new version.
    for key, title, body in [
        (ConsentText.TERMS, "Conditions d'utilisation", TERMS_BODY),
        (ConsentText.PRIVACY, "Politique de confidentialité", PRIVACY_BODY),
    ]:
        text, created = ConsentText.objects.get_or_create(
            key=key, version=1, defaults={"title": title, "body": body}
        )
        ctx.count("textes de consentement", created)
        ctx.consent_texts.append(text)


def _seed_territories(ctx: DemoContext) -> None:
    region = Region.objects.get(code="84")
    val, created = Territory.objects.update_or_create(
        slug="val-de-drome",
        defaults={
            "name": "Communauté de communes du Val de Drôme en transition",
            "kind": TerritoryKind.EPCI,
            "region": region,
            "tagline": "Six communes, des centaines de foyers, une même envie d'agir.",
            "description": VAL_DE_DROME_DESCRIPTION,
            "accent_color": "#1f6f50",
            "website": "https://val-de-drome.example.org",
            "contact_email": f"contact@{DEMO_DOMAIN}",
            "is_published": True,
        },
    )
    ctx.count("territoires", created)
    val.communes.add(*ctx.communes.values())
    for position, (name, url) in enumerate(PARTNERS):
        _partner, created = Partner.objects.update_or_create(
            territory=val, name=name, defaults={"url": url, "position": position}
        )
        ctx.count("partenaires", created)

    saillans, created = Territory.objects.update_or_create(
        slug="saillans-demain",
        defaults={
            "name": "Collectif citoyen Saillans Demain",
            "kind": TerritoryKind.COLLECTIVE,
            "region": region,
            "tagline": "Le village qui décide ensemble, et qui agit ensemble.",
            "description": SAILLANS_DESCRIPTION,
            "accent_color": "#8a4b9c",
            "contact_email": f"saillans@{DEMO_DOMAIN}",
            "is_published": True,
        },
    )
    ctx.count("territoires", created)
    saillans.communes.add(ctx.communes["26289"])
    _partner, created = Partner.objects.update_or_create(
        territory=saillans,
        name="Atelier vélo La Roue Libre (fictif)",
        defaults={"url": "https://roue-libre.example.org", "position": 0},
    )
    ctx.count("partenaires", created)

    ctx.territory = val
    ctx.territories.update({val.slug: val, saillans.slug: saillans})


def _user(
    ctx: DemoContext,
    email: str,
    first_name: str,
    last_name: str,
    **extra: Any,
) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "display_name": first_name,
            "password": ctx.password_hash,
            **extra,
        },
    )
    ctx.count("comptes", created)
    # allauth refuses to log in an address it does not know as verified.
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    for text in ctx.consent_texts:
        consent_give(user=user, text=text)
    ctx.users[email] = user
    return user


def _seed_staff(ctx: DemoContext) -> None:
    val, saillans = ctx.territories["val-de-drome"], ctx.territories["saillans-demain"]
    region = val.region

    admin = _user(ctx, f"admin@{DEMO_DOMAIN}", "Alex", "Admin", is_staff=True, is_superuser=True)
    ctx.logins.append((admin.email, "administration de la plateforme (/admin/)"))

    people: list[tuple[str, str, str, Territory, str, str]] = [
        ("animatrice", "Claire", "Fabre", val, Role.ORGANISER, "animatrice du Val de Drôme"),
        (
            "animateur.saillans",
            "Mathieu",
            "Roux",
            saillans,
            Role.ORGANISER,
            "animateur de Saillans Demain",
        ),
        ("partenaire", "Sophie", "Arnaud", val, Role.SPONSOR, "partenaire / financeur"),
        ("acteur", "Karim", "Belkacem", val, Role.ACTOR_CONTACT, "contact d'un acteur"),
    ]
    for local, first, last, territory, role, label in people:
        user = _user(ctx, f"{local}@{DEMO_DOMAIN}", first, last)
        _membership, created = Membership.objects.get_or_create(
            user=user, territory=territory, role=role
        )
        ctx.count("rôles", created)
        ctx.logins.append((user.email, label))

    coordinator = _user(ctx, f"coordination@{DEMO_DOMAIN}", "Hélène", "Vidal")
    _coordination, created = RegionalCoordinator.objects.get_or_create(
        user=coordinator, region=region
    )
    ctx.count("rôles", created)
    ctx.logins.append((coordinator.email, f"coordination régionale {region.name}"))


def _household_plan(rng: random.Random) -> list[dict[str, Any]]:
    """Draw every household first, from the seeded generator only."""
    communes = [c["insee_code"] for c in COMMUNES]
    weights = [c["population"] for c in COMMUNES]
    plans = []
    for family in rng.sample(FAMILY_NAMES, HOUSEHOLD_COUNT):
        adults = rng.choices([1, 2, 3], weights=[3, 6, 1])[0]
        children = rng.choices([0, 1, 2, 3], weights=[4, 3, 3, 1])[0]
        insee = rng.choices(communes, weights=weights)[0]
        # Flats are mostly in Crest; the villages are houses.
        flat_share = 0.45 if insee == "26108" else 0.1
        housing = HousingType.APARTMENT if rng.random() < flat_share else HousingType.HOUSE
        if housing == HousingType.APARTMENT:
            surface = rng.randrange(35, 95, 5)
            heating = rng.choice([Heating.GAS, Heating.ELECTRICITY, Heating.ELECTRICITY])
        else:
            surface = rng.randrange(75, 170, 5)
            heating = rng.choice(
                [Heating.LOGS, Heating.PELLETS, Heating.HEAT_PUMP, Heating.FUEL_OIL, Heating.GAS]
            )
        members = min(adults, rng.choices([1, 2], weights=[1, 3])[0])
        plans.append(
            {
                "family": family,
                "commune": insee,
                "adults": adults,
                "children": children,
                "housing_type": housing,
                "surface_m2": surface,
                "main_heating": heating,
                "first_names": rng.sample(FIRST_NAMES, members),
            }
        )
    return plans


def _seed_households(ctx: DemoContext) -> None:
    for plan in _household_plan(ctx.rng):
        household, created = Household.objects.get_or_create(
            name=f"Foyer {plan['family']}",
            commune=ctx.communes[plan["commune"]],
            defaults={
                "adults": plan["adults"],
                "children": plan["children"],
                "housing_type": plan["housing_type"],
                "surface_m2": plan["surface_m2"],
                "main_heating": plan["main_heating"],
            },
        )
        ctx.count("foyers", created)
        ctx.households.append(household)
        for first_name in plan["first_names"]:
            email = email_for(first_name, plan["family"])
            _user(ctx, email, first_name, plan["family"], household=household)
    first = ctx.households[0].members.order_by("email").first()
    if first is not None:
        ctx.logins.append((first.email, f"membre du {ctx.households[0].name}"))
