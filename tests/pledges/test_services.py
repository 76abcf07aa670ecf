"""pledges.services: a campaign's life and the commitments that move its counters."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from pledges import services
from pledges.models import (
    Audience,
    Campaign,
    CampaignStatus,
    Commitment,
    CommitmentStatus,
    CommuneTally,
)
from tests.factories import UserFactory
from tests.pledges.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 3), (31, 111, 80)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def mails(mailoutbox, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run the on-commit e-mails of the block, then give the outbox."""

    class Mails:
        outbox = mailoutbox

        def __call__(self):  # type: ignore[no-untyped-def]
            return django_capture_on_commit_callbacks(execute=True)

    return Mails()


@pytest.fixture
def crest(territory):  # type: ignore[no-untyped-def]
    return territory.communes.first()


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    return CampaignFactory(territory=territory, participants_goal=3, slug="velo")


def commit(campaign, email="camille@example.org", **kwargs):  # type: ignore[no-untyped-def]
    values = {"first_name": "Camille", "email": email, "commune": None, "consent": True}
    values.update(kwargs)
    return services.commitment_create(campaign=campaign, **values)


def refresh(campaign: Campaign) -> Campaign:
    campaign.refresh_from_db()
    return campaign


# Self-service commitments


def test_it_records_a_pending_commitment_and_sends_the_link(campaign, crest, mails) -> None:  # type: ignore[no-untyped-def]
    with mails():
        commitment = commit(campaign, email=" Camille@Example.org ", commune=crest)
    assert commitment.status == CommitmentStatus.PENDING
    assert commitment.email == "camille@example.org"
    assert commitment.commune == crest
    assert refresh(campaign).participants_count == 0
    assert len(mails.outbox) == 1
    mail = mails.outbox[0]
    assert mail.to == ["camille@example.org"]
    assert f"/engagement/confirmer/{commitment.confirm_token}/" in mail.body
    assert "Confirmez votre engagement" in mail.subject


def test_it_resends_the_link_for_the_same_pending_email_without_a_duplicate(  # type: ignore[no-untyped-def]
    campaign, mails
) -> None:
    first = commit(campaign, now=timezone.now() - dt.timedelta(days=6))
    with mails():
        again = commit(campaign, email="CAMILLE@example.org", first_name="Cam")
    assert again.pk == first.pk
    assert again.first_name == "Cam"
    assert Commitment.objects.filter(campaign=campaign).count() == 1
    assert again.confirmation_sent_at > first.confirmation_sent_at
    assert len(mails.outbox) == 1


def test_it_refuses_an_email_already_confirmed_and_counts_nothing_twice(campaign) -> None:  # type: ignore[no-untyped-def]
    services.commitment_confirm(token=commit(campaign).confirm_token)
    with pytest.raises(services.CommitmentRefused, match="déjà engagé·e dans cette campagne"):
        commit(campaign, email="camille@EXAMPLE.org")
    assert refresh(campaign).participants_count == 1


def test_it_refuses_a_campaign_past_its_deadline_with_the_date(campaign) -> None:  # type: ignore[no-untyped-def]
    later = campaign.deadline + dt.timedelta(hours=1)
    with pytest.raises(services.CommitmentRefused, match="La campagne est close depuis le"):
        commit(campaign, now=later)
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (CampaignStatus.DRAFT, "pas encore ouverte"),
        (CampaignStatus.EXPIRED, "close"),
        (CampaignStatus.FULFILLED, "close"),
    ],
)
def test_it_refuses_a_campaign_that_is_not_open(territory, status, message) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, status=status)
    with pytest.raises(services.CommitmentRefused, match=message):
        commit(campaign)


def test_it_still_takes_commitments_once_reached(territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, status=CampaignStatus.REACHED)
    assert commit(campaign).status == CommitmentStatus.PENDING


def test_it_refuses_without_consent(campaign) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.CommitmentRefused) as refusal:
        commit(campaign, consent=False)
    assert "consent" in refusal.value.message_dict


def test_it_refuses_an_email_outside_the_organisation_domains(territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        audience=Audience.ORGANISATION,
        allowed_domains="humanis.fr, exemple.org",
    )
    with pytest.raises(services.CommitmentRefused, match="réservée aux membres de Mairie de Crest"):
        commit(campaign, email="someone@gmail.com")
    assert commit(campaign, email="Agent@Humanis.fr").status == CommitmentStatus.PENDING


def test_it_refuses_a_wrong_invitation_code(territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory, audience=Audience.ORGANISATION, invite_code="VELO2026"
    )
    with pytest.raises(services.CommitmentRefused, match="réservée aux membres"):
        commit(campaign, invite_code="NOPE")
    assert commit(campaign, invite_code=" velo2026 ").status == CommitmentStatus.PENDING


def test_it_refuses_a_site_that_is_not_one_of_the_campaign(territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, sites=["Lyon", "Paris"])
    with pytest.raises(services.CommitmentRefused) as refusal:
        commit(campaign, site="Marseille")
    assert "site" in refusal.value.message_dict
    assert commit(campaign, site="Lyon").site == "Lyon"


# Assisted mode


def test_an_agent_records_a_confirmed_commitment_counted_at_once(campaign, mails) -> None:  # type: ignore[no-untyped-def]
    agent = UserFactory()
    with mails():
        commitment = commit(campaign, email="voisin@example.org", agent=agent)
    assert commitment.status == CommitmentStatus.CONFIRMED
    assert commitment.agent == agent
    assert refresh(campaign).participants_count == 1
    assert len(mails.outbox) == 1
    assert "est enregistré" in mails.outbox[0].body
    assert f"/engagement/{commitment.report_token}/retirer/" in mails.outbox[0].body


def test_an_agent_may_record_residents_without_email(campaign, mails) -> None:  # type: ignore[no-untyped-def]
    agent = UserFactory()
    with mails():
        commit(campaign, email="", agent=agent)
        commit(campaign, email="", agent=agent, first_name="Dominique")
    assert refresh(campaign).participants_count == 2
    assert mails.outbox == []


def test_an_agent_confirms_a_pending_commitment_once(campaign) -> None:  # type: ignore[no-untyped-def]
    pending = commit(campaign)
    recorded = commit(campaign, agent=UserFactory())
    assert recorded.pk == pending.pk
    assert recorded.status == CommitmentStatus.CONFIRMED
    assert refresh(campaign).participants_count == 1


def test_self_service_needs_an_email(campaign) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.CommitmentRefused) as refusal:
        commit(campaign, email="")
    assert "email" in refusal.value.message_dict


# Confirmation


def test_confirming_counts_the_commitment_once(campaign) -> None:  # type: ignore[no-untyped-def]
    token = commit(campaign).confirm_token
    confirmed = services.commitment_confirm(token=token)
    assert confirmed.status == CommitmentStatus.CONFIRMED
    assert confirmed.confirmed_at is not None
    again = services.commitment_confirm(token=token)
    assert again.status == CommitmentStatus.CONFIRMED
    assert refresh(campaign).participants_count == 1


def test_it_refuses_an_expired_link_and_says_how_to_commit_again(campaign) -> None:  # type: ignore[no-untyped-def]
    commitment = commit(campaign)
    later = commitment.confirmation_sent_at + dt.timedelta(days=7, minutes=1)
    with pytest.raises(services.CommitmentRefused, match=r"a expiré.*Engagez-vous à nouveau"):
        services.commitment_confirm(token=commitment.confirm_token, now=later)
    assert refresh(campaign).participants_count == 0


def test_a_resent_link_is_valid_seven_days_from_the_resend(campaign) -> None:  # type: ignore[no-untyped-def]
    start = timezone.now() - dt.timedelta(days=10)
    commit(campaign, now=start)
    commitment = commit(campaign, now=start + dt.timedelta(days=8))
    confirmed = services.commitment_confirm(
        token=commitment.confirm_token, now=start + dt.timedelta(days=9)
    )
    assert confirmed.status == CommitmentStatus.CONFIRMED


def test_it_refuses_to_confirm_once_the_campaign_closed(campaign) -> None:  # type: ignore[no-untyped-def]
    commitment = commit(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.EXPIRED)
    with pytest.raises(services.CommitmentRefused, match="close"):
        services.commitment_confirm(token=commitment.confirm_token)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.PENDING


def test_it_refuses_an_unknown_token() -> None:
    with pytest.raises(services.CommitmentRefused, match="pas valable"):
        services.commitment_confirm(token="inconnu")


def test_a_confirmation_interleaved_with_another_counts_once(campaign, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The interleaving row locks prevent on PostgreSQL and SQLite does not
    need: the other confirmation runs entirely between this one's read and write."""
    token = commit(campaign).confirm_token
    checked = services.confirmation_problem
    calls: list[int] = []

    def other_confirms_meanwhile(commitment, now=None):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            services.commitment_confirm(token=token)
        return checked(commitment, now)

    monkeypatch.setattr(services, "confirmation_problem", other_confirms_meanwhile)
    assert services.commitment_confirm(token=token).status == CommitmentStatus.CONFIRMED
    assert len(calls) == 2
    assert refresh(campaign).participants_count == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirmations_of_one_token_count_once(territory) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        # The in-memory test database of SQLite is shared between threads with
        # table locks that fail at once instead of waiting; the interleaving
        # test above covers SQLite, this one runs on PostgreSQL (CI).
        pytest.skip("concurrence réelle testée sur PostgreSQL")
    campaign = CampaignFactory(territory=territory, participants_goal=10)
    token = commit(campaign).confirm_token
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def confirm() -> None:
        try:
            barrier.wait()
            services.commitment_confirm(token=token)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert refresh(campaign).participants_count == 1


# Withdrawal


def test_withdrawing_stops_counting_without_an_email(campaign, mails) -> None:  # type: ignore[no-untyped-def]
    commitment = services.commitment_confirm(token=commit(campaign).confirm_token)
    with mails():
        withdrawn = services.commitment_withdraw(commitment=commitment)
        services.commitment_withdraw(commitment=commitment)
    assert withdrawn.status == CommitmentStatus.WITHDRAWN
    assert refresh(campaign).participants_count == 0
    assert mails.outbox == []


def _tallies(campaign: Campaign) -> dict[str, int]:
    return dict(
        CommuneTally.objects.filter(campaign=campaign).values_list("commune__name", "count")
    )


def test_the_commune_tally_moves_with_the_counter(campaign, crest) -> None:  # type: ignore[no-untyped-def]
    first = services.commitment_confirm(token=commit(campaign, commune=crest).confirm_token)
    services.commitment_confirm(
        token=commit(campaign, "b@example.org", commune=crest).confirm_token
    )
    services.commitment_confirm(token=first.confirm_token)  # followed twice: counted once
    commit(campaign, "c@example.org", commune=crest)  # pending: not on the map
    services.commitment_confirm(token=commit(campaign, "d@example.org").confirm_token)  # no commune
    assert _tallies(campaign) == {crest.name: 2}
    services.commitment_withdraw(commitment=first)
    assert _tallies(campaign) == {crest.name: 1}
    assert refresh(campaign).participants_count == 2


def test_rebuilding_the_tallies_recounts_rows_written_in_bulk(campaign, crest) -> None:  # type: ignore[no-untyped-def]
    CommitmentFactory.create_batch(3, campaign=campaign, commune=crest)
    CommitmentFactory(campaign=campaign, commune=crest, status=CommitmentStatus.PENDING)
    services.commune_tallies_rebuild(campaign=campaign)
    services.commune_tallies_rebuild(campaign=campaign)
    assert _tallies(campaign) == {crest.name: 3}


def test_withdrawing_a_row_written_in_bulk_never_takes_the_counter_below_zero(
    campaign, crest
) -> None:  # type: ignore[no-untyped-def]
    # Written in bulk (an import, the demo): confirmed, but not yet counted.
    bulk = CommitmentFactory(campaign=campaign, commune=crest)
    assert refresh(campaign).participants_count == 0
    services.commitment_withdraw(commitment=bulk)
    assert refresh(campaign).participants_count == 0
    assert refresh(bulk).status == CommitmentStatus.WITHDRAWN


def test_withdrawing_a_pending_commitment_moves_no_counter(campaign) -> None:  # type: ignore[no-untyped-def]
    commitment = commit(campaign)
    assert services.commitment_withdraw(commitment=commitment).status == CommitmentStatus.WITHDRAWN
    assert refresh(campaign).participants_count == 0
    with pytest.raises(services.CommitmentRefused, match="retiré"):
        services.commitment_confirm(token=commitment.confirm_token)


def test_a_withdrawn_person_may_commit_again(campaign) -> None:  # type: ignore[no-untyped-def]
    commitment = services.commitment_confirm(token=commit(campaign).confirm_token)
    services.commitment_withdraw(commitment=commitment)
    again = commit(campaign)
    assert again.pk == commitment.pk
    assert again.status == CommitmentStatus.PENDING
    services.commitment_confirm(token=again.confirm_token)
    assert refresh(campaign).participants_count == 1


# Threshold


def test_reaching_the_goal_tells_participants_and_sponsor_contacts_at_once(  # type: ignore[no-untyped-def]
    territory, mails
) -> None:
    campaign = CampaignFactory(territory=territory, participants_goal=2)
    sponsor = UserFactory(email="mecene@mairie.example.org")
    campaign.sponsor_contacts.add(sponsor)
    first = commit(campaign, email="a@example.org")
    CommitmentFactory(campaign=campaign, email="", status=CommitmentStatus.CONFIRMED)
    services.commitment_confirm(token=first.confirm_token)
    assert refresh(campaign).status == CampaignStatus.OPEN  # the factory row is not counted
    second = commit(campaign, email="b@example.org")
    with mails():
        services.commitment_confirm(token=second.confirm_token)
    campaign = refresh(campaign)
    assert campaign.status == CampaignStatus.REACHED
    assert campaign.reached_at is not None
    recipients = sorted(address for mail in mails.outbox for address in mail.to)
    assert recipients == ["a@example.org", "b@example.org", "mecene@mairie.example.org"]
    sponsor_mail = next(m for m in mails.outbox if m.to == ["mecene@mairie.example.org"])
    assert "/promesse-tenue/" in sponsor_mail.body
    assert all(len(mail.to) == 1 for mail in mails.outbox)


def test_the_threshold_waits_for_the_quantity_goal(territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        participants_goal=1,
        participants_count=1,
        quantity_goal=Decimal("100"),
        quantity_total=Decimal("99.9"),
    )
    assert services.campaign_check_threshold(campaign=campaign) is False
    assert refresh(campaign).status == CampaignStatus.OPEN
    Campaign.objects.filter(pk=campaign.pk).update(quantity_total=Decimal("100"))
    assert services.campaign_check_threshold(campaign=campaign) is True
    assert services.campaign_check_threshold(campaign=campaign) is False
    assert refresh(campaign).status == CampaignStatus.REACHED


# Campaign life


def test_saving_creates_a_draft_of_the_territory(territory, organiser, partner_of) -> None:  # type: ignore[no-untyped-def]
    data = {
        "title": "À vélo",
        "slug": "a-velo",
        "action": "Aller au travail à vélo",
        "participants_goal": 50,
        "deadline": timezone.now() + dt.timedelta(days=20),
        "sponsor": partner_of(territory),
        "counterpart": "La Mairie installe 20 arceaux.",
    }
    campaign = services.campaign_save(campaign=None, territory=territory, data=data, user=organiser)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.territory == territory
    assert campaign.created_by == organiser


def test_lowering_the_goal_of_an_open_campaign_may_reach_it(campaign, organiser) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=2)
    campaign = refresh(campaign)
    saved = services.campaign_save(
        campaign=campaign,
        territory=campaign.territory,
        data={"participants_goal": 2},
        user=organiser,
    )
    assert saved.status == CampaignStatus.REACHED


def test_publishing_opens_a_draft(territory, organiser) -> None:  # type: ignore[no-untyped-def]
    draft = CampaignFactory(territory=territory, status=CampaignStatus.DRAFT, published_at=None)
    opened = services.campaign_publish(campaign=draft, user=organiser)
    assert opened.status == CampaignStatus.OPEN
    assert opened.published_at is not None
    assert services.campaign_publish(campaign=draft, user=organiser).status == CampaignStatus.OPEN


def test_publishing_refuses_a_past_deadline(territory, organiser) -> None:  # type: ignore[no-untyped-def]
    draft = CampaignFactory(
        territory=territory,
        status=CampaignStatus.DRAFT,
        deadline=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(services.CampaignRefused, match="est passée"):
        services.campaign_publish(campaign=draft, user=organiser)
    assert refresh(draft).status == CampaignStatus.DRAFT


def test_fulfilling_publishes_the_text_and_photo_and_tells_participants(  # type: ignore[no-untyped-def]
    territory, organiser, mails
) -> None:
    campaign = CampaignFactory(territory=territory, status=CampaignStatus.REACHED)
    CommitmentFactory(campaign=campaign, email="c@example.org")
    photo = SimpleUploadedFile("arceaux.png", PNG, content_type="image/png")
    with mails():
        done = services.campaign_fulfil(
            campaign=campaign,
            text="20 arceaux posés devant le collège.",
            photo=photo,
            photo_alt="Des vélos garés sur les nouveaux arceaux",
            user=organiser,
        )
    assert done.status == CampaignStatus.FULFILLED
    assert done.fulfilled_by == organiser
    assert done.fulfilment_photo.name.startswith("territories/campaigns/")
    assert [m.to for m in mails.outbox] == [["c@example.org"]]
    assert "20 arceaux posés" in mails.outbox[0].body


def test_fulfilling_refuses_before_the_goal_and_a_photo_without_description(  # type: ignore[no-untyped-def]
    territory, organiser
) -> None:
    campaign = CampaignFactory(territory=territory)
    with pytest.raises(services.CampaignRefused, match="une fois l'objectif atteint"):
        services.campaign_fulfil(campaign=campaign, text="Fait", user=organiser)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.REACHED)
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    with pytest.raises(services.CampaignRefused) as refusal:
        services.campaign_fulfil(campaign=campaign, text="Fait", photo=photo, user=organiser)
    assert "photo_alt" in refusal.value.message_dict
    assert refresh(campaign).status == CampaignStatus.REACHED


def test_expiry_closes_open_campaigns_past_their_deadline_and_tells_participants(  # type: ignore[no-untyped-def]
    territory, mails
) -> None:
    now = timezone.now()
    due = CampaignFactory(territory=territory, deadline=now - dt.timedelta(hours=1))
    CommitmentFactory(campaign=due, email="d@example.org")
    reached = CampaignFactory(
        territory=territory, status=CampaignStatus.REACHED, deadline=now - dt.timedelta(days=1)
    )
    running = CampaignFactory(territory=territory, deadline=now + dt.timedelta(days=1))
    with mails():
        assert services.campaign_expire_due(now=now) == 1
        assert services.campaign_expire_due(now=now) == 0
    assert refresh(due).status == CampaignStatus.EXPIRED
    assert refresh(due).expired_at == now
    assert refresh(reached).status == CampaignStatus.REACHED
    assert refresh(running).status == CampaignStatus.OPEN
    assert [m.to for m in mails.outbox] == [["d@example.org"]]
    assert "est close" in mails.outbox[0].body


def test_a_campaign_whose_counts_meet_the_goal_at_the_deadline_is_reached_not_expired(  # type: ignore[no-untyped-def]
    territory,
) -> None:
    now = timezone.now()
    campaign = CampaignFactory(
        territory=territory,
        participants_goal=1,
        participants_count=1,
        deadline=now - dt.timedelta(minutes=1),
    )
    assert services.campaign_expire_due(now=now) == 0
    assert refresh(campaign).status == CampaignStatus.REACHED


def test_participants_of_a_campaign_with_reports_get_their_activity_link(  # type: ignore[no-untyped-def]
    territory, mails
) -> None:
    campaign = CampaignFactory(territory=territory, reports_activities=True)
    with mails():
        commitment = commit(campaign, email="e@example.org", agent=UserFactory())
    assert f"/engagement/{commitment.report_token}/activites/" in mails.outbox[0].body


@pytest.fixture
def partner_of():  # type: ignore[no-untyped-def]
    from tests.factories import PartnerFactory

    return lambda territory: PartnerFactory(territory=territory)


def test_withdrawing_is_refused_once_the_campaign_is_closed(territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory, status=CampaignStatus.FULFILLED, participants_count=1
    )
    commitment = CommitmentFactory(campaign=campaign)
    with pytest.raises(services.CommitmentRefused, match="son bilan est publié"):
        services.commitment_withdraw(commitment=commitment)
    assert refresh(campaign).participants_count == 1


def test_an_agent_vouches_for_the_invitation_code_but_not_for_a_foreign_domain(territory) -> None:  # type: ignore[no-untyped-def]
    agent = UserFactory()
    by_code = CampaignFactory(territory=territory, audience=Audience.ORGANISATION)
    assert commit(by_code, agent=agent).status == CommitmentStatus.CONFIRMED
    by_domain = CampaignFactory(
        territory=territory, audience=Audience.ORGANISATION, allowed_domains="humanis.fr"
    )
    assert commit(by_domain, email="", agent=agent).status == CommitmentStatus.CONFIRMED
    with pytest.raises(services.CommitmentRefused, match="réservée aux membres"):
        commit(by_domain, email="x@gmail.com", agent=agent)
