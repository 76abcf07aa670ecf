"""Organisers create, edit and publish campaigns, group them in operations,
name sponsor contacts and agents; the sponsor confirms the counterpart."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.mail import Email, queue_emails
from accounts.models import EmailStatus, EmailStream, OutgoingEmail
from pledges.forms import PHOTO_MAX_BYTES
from pledges.models import Audience, Campaign, CampaignStatus, CommitmentStatus, Operation
from tests.factories import PartnerFactory, UserFactory
from tests.pledges.factories import CampaignFactory, CommitmentFactory, OperationFactory
from tests.pledges.test_services import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(territory):  # type: ignore[no-untyped-def]
    return PartnerFactory(territory=territory, name="Mairie de Crest")


@pytest.fixture
def as_organiser(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


def campaign_data(sponsor, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=30))
    data: dict[str, object] = {
        "title": "À vélo pour Solicycle",
        "slug": "",
        "action": "Se déplacer à vélo au moins une fois par semaine",
        "participants_goal": "200",
        "quantity_unit": "km",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "sponsor": str(sponsor.pk),
        "counterpart": "La Mairie donne 5 000 € à l'association Solicycle.",
        "beneficiary": "Solicycle",
        "audience": Audience.PUBLIC,
        "allowed_domains": "",
        "invite_code": "",
        "sites": "",
    }
    data.update(overrides)
    return data


def test_an_organiser_creates_a_draft_campaign(as_organiser, territory, organiser, sponsor) -> None:  # type: ignore[no-untyped-def]
    response = as_organiser.post(
        reverse("pledges:create", args=[territory.slug]),
        campaign_data(sponsor, sites="Lyon\n  Paris \n\nLyon", activity_modes=["velo", "marche"]),
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:detail", args=[territory.slug, campaign.slug])
    assert campaign.slug == "a-velo-pour-solicycle"
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.created_by == organiser
    assert campaign.sites == ["Lyon", "Paris"]
    assert campaign.activity_modes == ["velo", "marche"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"participants_goal": "0"}, "participants_goal", "au moins 1 personne"),
        ({"deadline": "2020-01-01T12:00"}, "deadline", "doit être dans le futur"),
        (
            {"allowed_domains": "humanis.fr, pas un domaine"},
            "allowed_domains",
            "ne sont pas valables",
        ),
        ({"counterpart": "   "}, "counterpart", "Décrivez ce que le parrain s&#x27;engage à faire"),
        ({"slug": "gerer"}, "slug", "déjà prise"),
        (
            {"audience": Audience.ORGANISATION, "invite_code": ""},
            "invite_code",
            "demande des domaines d&#x27;adresse ou un code",
        ),
    ],
)
def test_bad_campaign_input_answers_400_in_french_and_keeps_the_input(  # type: ignore[no-untyped-def]
    as_organiser, territory, sponsor, overrides, field, message
) -> None:
    response = as_organiser.post(
        reverse("pledges:create", args=[territory.slug]), campaign_data(sponsor, **overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert 'value="À vélo pour Solicycle"' in html
    assert not Campaign.objects.exists()


def test_a_slug_already_taken_in_the_territory_is_refused(as_organiser, territory, sponsor) -> None:  # type: ignore[no-untyped-def]
    CampaignFactory(territory=territory, slug="velo")
    response = as_organiser.post(
        reverse("pledges:create", args=[territory.slug]), campaign_data(sponsor, slug="velo")
    )
    assert response.status_code == 400
    assert "déjà prise" in response.content.decode()


def test_the_sponsor_must_be_a_partner_of_the_territory(
    as_organiser, territory, other_territory
) -> None:  # type: ignore[no-untyped-def]
    foreign = PartnerFactory(territory=other_territory)
    response = as_organiser.post(
        reverse("pledges:create", args=[territory.slug]), campaign_data(foreign)
    )
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_an_organiser_edits_a_campaign(as_organiser, territory, sponsor) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="velo", sponsor=sponsor)
    url = reverse("pledges:edit", args=[territory.slug, "velo"])
    assert as_organiser.get(url).status_code == 200
    response = as_organiser.post(url, campaign_data(sponsor, slug="velo", title="À vélo !"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "À vélo !"


def test_publishing_asks_then_opens_the_campaign(as_organiser, territory) -> None:  # type: ignore[no-untyped-def]
    draft = CampaignFactory(territory=territory, status=CampaignStatus.DRAFT, slug="velo")
    url = reverse("pledges:publish", args=[territory.slug, "velo"])
    assert "Publier la campagne" in as_organiser.get(url).content.decode()
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.DRAFT
    response = as_organiser.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.OPEN


def test_publishing_refuses_a_past_deadline_in_french(as_organiser, territory) -> None:  # type: ignore[no-untyped-def]
    CampaignFactory(
        territory=territory,
        status=CampaignStatus.DRAFT,
        slug="velo",
        deadline=timezone.now() - dt.timedelta(days=1),
    )
    response = as_organiser.post(reverse("pledges:publish", args=[territory.slug, "velo"]))
    assert response.status_code == 400
    assert "est passée" in response.content.decode()


def test_the_management_page_lists_campaigns_with_pending_confirmations(
    as_organiser, territory
) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, title="Marc de café", participants_count=3)
    CommitmentFactory.create_batch(2, campaign=campaign, status=CommitmentStatus.PENDING)
    CampaignFactory(territory=territory, title="En préparation", status=CampaignStatus.DRAFT)
    html = as_organiser.get(reverse("pledges:manage", args=[territory.slug])).content.decode()
    assert "Marc de café" in html
    assert "En préparation" in html
    assert "<td>3 / 200</td>" in html
    assert "<td>2</td>" in html


def test_the_management_page_lists_the_campaigns_failed_emails_and_why(
    as_organiser, territory, other_territory
) -> None:  # type: ignore[no-untyped-def]
    mine = CampaignFactory(territory=territory, title="Marc de café")
    theirs = CampaignFactory(territory=other_territory, title="Ailleurs")
    for key, campaign, to in [
        ("a", mine, "refuse@example.org"),
        ("b", mine, "recu@example.org"),
        ("c", theirs, "autre@example.org"),
    ]:
        queue_emails(
            [
                Email(
                    key=f"test-{key}",
                    to=to,
                    subject="Merci",
                    body="…",
                    stream=EmailStream.TRANSACTIONAL,
                    reference=f"campaign:{campaign.pk}",
                )
            ]
        )
    OutgoingEmail.objects.exclude(recipient="recu@example.org").update(
        status=EmailStatus.FAILED, attempts=6, last_error="SMTPDataError: 451 plus tard"
    )
    page = html.unescape(
        as_organiser.get(reverse("pledges:manage", args=[territory.slug])).content.decode()
    )
    assert "E-mails en échec" in page
    assert "1 e-mail n'a pas pu être remis" in page
    assert "refuse@example.org" in page
    assert "SMTPDataError: 451 plus tard" in page
    assert "recu@example.org" not in page
    assert "autre@example.org" not in page  # another territory's campaign


@pytest.mark.parametrize("size", [2, 20])
def test_the_management_page_query_count_is_constant(  # type: ignore[no-untyped-def]
    as_organiser, territory, django_assert_num_queries, size
) -> None:
    for campaign in CampaignFactory.create_batch(size, territory=territory):
        CommitmentFactory(campaign=campaign, status=CommitmentStatus.PENDING)
    # Session, user, territory, roles, campaigns, failed e-mails, operations.
    with django_assert_num_queries(7):
        as_organiser.get(reverse("pledges:manage", args=[territory.slug]))


def test_an_organiser_creates_and_edits_an_operation(as_organiser, territory) -> None:  # type: ignore[no-untyped-def]
    response = as_organiser.post(
        reverse("pledges:operation_create", args=[territory.slug]),
        {"title": "Semaine de la mobilité", "slug": "", "organisation": "Humanis"},
    )
    assert response.status_code == 302
    operation = Operation.objects.get()
    assert operation.slug == "semaine-de-la-mobilite"
    url = reverse("pledges:operation_edit", args=[territory.slug, operation.slug])
    response = as_organiser.post(url, {"title": "", "slug": operation.slug})
    assert response.status_code == 400
    assert "Donnez un titre à l&#x27;opération." in response.content.decode()
    as_organiser.post(url, {"title": "Mobilité 2026", "slug": operation.slug})
    operation.refresh_from_db()
    assert operation.title == "Mobilité 2026"


def test_campaigns_join_an_operation_of_their_territory_only(
    as_organiser, territory, other_territory, sponsor
) -> None:  # type: ignore[no-untyped-def]
    foreign = OperationFactory(territory=other_territory)
    response = as_organiser.post(
        reverse("pledges:create", args=[territory.slug]),
        campaign_data(sponsor, operation=str(foreign.pk)),
    )
    assert response.status_code == 400


def test_an_organiser_names_sponsor_contacts_and_agents_by_email(as_organiser, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="velo")
    contact = UserFactory(email="mecene@mairie.example.org")
    agent = UserFactory(email="agent@example.org")
    url = reverse("pledges:contacts", args=[territory.slug, "velo"])
    response = as_organiser.post(
        url, {"sponsor_contacts": "Mecene@Mairie.example.org", "agents": "agent@example.org"}
    )
    assert response.status_code == 302
    assert list(campaign.sponsor_contacts.all()) == [contact]
    assert list(campaign.agents.all()) == [agent]
    assert "mecene@mairie.example.org" in as_organiser.get(url).content.decode()


def test_unknown_accounts_are_refused_in_french(as_organiser, territory) -> None:  # type: ignore[no-untyped-def]
    CampaignFactory(territory=territory, slug="velo")
    response = as_organiser.post(
        reverse("pledges:contacts", args=[territory.slug, "velo"]),
        {"sponsor_contacts": "personne@example.org", "agents": "pas-une-adresse"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Aucun compte Élan n&#x27;existe pour : personne@example.org" in html
    assert "n&#x27;est pas une adresse e-mail valable" in html


@pytest.fixture
def reached(territory, outsider):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="velo", status=CampaignStatus.REACHED)
    campaign.sponsor_contacts.add(outsider)
    return campaign


def test_the_sponsor_contact_confirms_the_counterpart_with_a_photo(
    client, reached, outsider
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    url = reverse("pledges:fulfil", args=[reached.territory.slug, reached.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "text": "Le chèque a été remis à Solicycle.",
            "photo": SimpleUploadedFile("remise.png", PNG, content_type="image/png"),
            "photo_alt": "La remise du chèque en mairie",
        },
    )
    assert response.status_code == 302
    reached.refresh_from_db()
    assert reached.status == CampaignStatus.FULFILLED
    assert reached.fulfilment_photo.name.startswith("territories/campaigns/")
    assert reached.fulfilled_by == outsider


def test_a_photo_needs_its_description_and_at_most_8_mb(client, reached, outsider) -> None:  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    url = reverse("pledges:fulfil", args=[reached.territory.slug, reached.slug])
    response = client.post(
        url,
        {"text": "Fait.", "photo": SimpleUploadedFile("p.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Décrivez la photo pour qui ne la voit pas." in html
    assert "Fait." in html
    big = SimpleUploadedFile("big.png", PNG + b"\0" * PHOTO_MAX_BYTES, content_type="image/png")
    response = client.post(url, {"text": "Fait.", "photo": big, "photo_alt": "x"})
    assert response.status_code == 400
    assert "8 Mo au plus" in response.content.decode()
    reached.refresh_from_db()
    assert reached.status == CampaignStatus.REACHED


def test_the_counterpart_waits_for_the_goal(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="velo")
    client.force_login(organiser)
    url = reverse("pledges:fulfil", args=[territory.slug, "velo"])
    assert "une fois l&#x27;objectif atteint" in client.get(url).content.decode()
    response = client.post(url, {"text": "Trop tôt"})
    assert response.status_code == 400
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_someone_else_may_not_confirm_the_counterpart(client, reached, member) -> None:  # type: ignore[no-untyped-def]
    client.force_login(member)
    url = reverse("pledges:fulfil", args=[reached.territory.slug, reached.slug])
    assert client.post(url, {"text": "Faux"}).status_code == 403
    reached.refresh_from_db()
    assert reached.status == CampaignStatus.REACHED
