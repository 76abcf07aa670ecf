"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Consent, ConsentText, Household, User
from challenges.models import (
    Challenge,
    EcoGesture,
    KitDocument,
    Registration,
    RegistrationStatus,
    Team,
    Theme,
)
from measures.models import Carrier, Meter, Reading, Unit, Weighing
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
    normalize_name,
)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "84"
    name = "Auvergne-Rhône-Alpes"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "26"
    name = "Drôme"
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    # Five characters whatever the sequence (PostgreSQL enforces the length);
    # the 9xxxx range is unused by the codes the tests spell out.
    insee_code = factory.Sequence(lambda n: f"9{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"Commune-{n}")
    search_name = factory.LazyAttribute(lambda o: normalize_name(o.name))
    postal_codes = factory.Sequence(lambda n: f" 26{n % 1000:03d}")
    department = factory.SubFactory(DepartmentFactory)
    population = 1000
    latitude = Decimal("44.72800")
    longitude = Decimal("5.02200")


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")
    kind = TerritoryKind.EPCI
    region = factory.SubFactory(RegionFactory)
    description = "Un territoire engagé dans la transition."
    is_published = True


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Partenaire {n}")
    url = "https://partenaire.example.org"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    display_name = factory.Sequence(lambda n: f"Camille {n}")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-solide-42")

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Give the user a verified primary address, as allauth expects."""
        if not create:
            return
        self.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"Foyer {n}")
    adults = 2
    children = 1
    housing_type = "maison"
    surface_m2 = 95
    main_heating = "gaz"
    commune = factory.SubFactory(CommuneFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    territory = factory.SubFactory(TerritoryFactory)
    role = Role.ORGANISER


class CoordinatorFactory(DjangoModelFactory):
    class Meta:
        model = RegionalCoordinator

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)


class ConsentTextFactory(DjangoModelFactory):
    class Meta:
        model = ConsentText
        django_get_or_create = ("key", "version")

    key = "cgu"
    version = 1
    title = "Conditions d'utilisation"
    body = "Vous acceptez les conditions d'utilisation d'Élan."


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    user = factory.SubFactory(UserFactory)
    text = factory.SubFactory(ConsentTextFactory)


# --- challenges and measures -------------------------------------------------


class ChallengeFactory(DjangoModelFactory):
    """A published energy and water challenge, running today by default."""

    class Meta:
        model = Challenge

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Défi Foyers à énergie positive {n}")
    slug = factory.Sequence(lambda n: f"defi-{n}")
    summary = "Économiser l'énergie et l'eau en équipe, tout un hiver."
    themes = factory.LazyFunction(lambda: [Theme.ENERGY, Theme.WATER])
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=150))
    registration_opens_on = factory.LazyAttribute(lambda o: o.starts_on - dt.timedelta(days=60))
    registration_closes_on = factory.LazyAttribute(lambda o: o.starts_on - dt.timedelta(days=1))
    objective_energy_pct = 8
    max_households = 100
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        open_for_registration = factory.Trait(
            starts_on=factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30)),
            registration_opens_on=factory.LazyFunction(
                lambda: timezone.localdate() - dt.timedelta(days=10)
            ),
            registration_closes_on=factory.LazyFunction(
                lambda: timezone.localdate() + dt.timedelta(days=20)
            ),
        )
        draft = factory.Trait(published_at=None)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    challenge = factory.SubFactory(ChallengeFactory)
    name = factory.Sequence(lambda n: f"Les Économes {n}")


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    challenge = factory.SubFactory(ChallengeFactory)
    household = factory.SubFactory(HouseholdFactory)
    status = RegistrationStatus.SELECTED


class EcoGestureFactory(DjangoModelFactory):
    class Meta:
        model = EcoGesture

    slug = factory.Sequence(lambda n: f"geste-{n}")
    theme = Theme.ENERGY
    title = factory.Sequence(lambda n: f"Baisser le chauffage d'un degré ({n})")
    explanation = "Chaque degré en moins économise environ 7 % de chauffage."
    saving_estimate = "7 % du chauffage par degré"
    saving_source = "ADEME"


class KitDocumentFactory(DjangoModelFactory):
    class Meta:
        model = KitDocument

    challenge = factory.SubFactory(ChallengeFactory)
    kind = "guide_participant"
    title = "Guide du participant"
    file = factory.django.FileField(filename="guide.pdf", data=b"%PDF-1.4 guide")


class MeterFactory(DjangoModelFactory):
    class Meta:
        model = Meter

    household = factory.SubFactory(HouseholdFactory)
    carrier = Carrier.GAS
    unit = Unit.M3
    label = factory.Sequence(lambda n: f"Compteur gaz {n}")


class ReadingFactory(DjangoModelFactory):
    class Meta:
        model = Reading

    meter = factory.SubFactory(MeterFactory)
    read_on = factory.LazyFunction(timezone.localdate)
    value = 1000


class WeighingFactory(DjangoModelFactory):
    class Meta:
        model = Weighing

    registration = factory.SubFactory(RegistrationFactory)
    weighed_on = factory.LazyFunction(timezone.localdate)
    flow = "omr"
    kg = 3
