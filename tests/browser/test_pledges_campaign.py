"""A reciprocal pledge campaign from its creation to the promise kept, in a
real browser: an organiser creates and publishes it, two visitors commit and
confirm by the e-mailed link, the goal is reached, the sponsor confirms the
counterpart. Every page is checked by axe (WCAG 2.1 A/AA); the campaign page
again on a 360 px phone, where nothing may scroll sideways."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from pledges.models import Campaign, CampaignStatus
from pledges.services import commune_tallies_rebuild
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    follow,
    log_in,
    submit,
    visit,
)
from tests.factories import (
    CommuneFactory,
    MembershipFactory,
    PartnerFactory,
    TerritoryFactory,
    UserFactory,
)
from tests.pledges.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(?P<path>/engagement/confirmer/[^\s]+/)")
SPONSOR_EMAIL = "mecene@mairie-crest.example.org"


@pytest.fixture(autouse=True)
def _no_tiles(settings):  # type: ignore[no-untyped-def]
    settings.ELAN_TILE_URL = ""  # no network: circles on a blank map


@pytest.fixture
def territory():  # type: ignore[no-untyped-def]
    crest = CommuneFactory(
        insee_code="26108",
        name="Crest",
        postal_codes=" 26400",
        latitude=Decimal("44.7275"),
        longitude=Decimal("5.0231"),
    )
    territory = TerritoryFactory(name="Val de Drôme", slug="val-de-drome")
    territory.communes.add(crest)
    PartnerFactory(territory=territory, name="Mairie de Crest")
    return territory


def _main_form(page, field: str):  # type: ignore[no-untyped-def]
    return page.locator("main form").filter(has=page.locator(f"[name={field}]"))


def _create_and_publish(page, territory) -> Campaign:  # type: ignore[no-untyped-def]
    visit(page, f"/t/{territory.slug}/engagements/gerer/")
    follow(page, page.get_by_role("link", name="Nouvelle campagne"))
    form = _main_form(page, "counterpart")
    form.get_by_label("Titre").fill("À vélo pour Solicycle")
    form.get_by_label("Action à laquelle on s'engage").fill(
        "Se déplacer à vélo au moins une fois par semaine"
    )
    form.get_by_label("Seuil de participants").fill("2")
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=12))
    form.get_by_label("Date limite").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Parrain").select_option(label="Mairie de Crest")
    form.get_by_label("Contrepartie promise").fill(
        "La Mairie donne 5 000 € à l'association Solicycle."
    )
    submit(page, form)
    assert "Brouillon" in page.locator("main").inner_text()

    follow(page, page.get_by_role("link", name="Parrain et agents"))
    form = _main_form(page, "sponsor_contacts")
    form.get_by_label("Contacts du parrain").fill(SPONSOR_EMAIL)
    submit(page, form)

    visit(page, f"/t/{territory.slug}/engagements/a-velo-pour-solicycle/")
    follow(page, page.get_by_role("link", name="Publier"))
    submit(page, page.locator("main form"))
    assert page.get_by_text("La campagne est publiée").is_visible()
    return Campaign.objects.get(slug="a-velo-pour-solicycle")


def _commit_and_confirm(page, campaign, mailoutbox, name: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    visit(page, f"/t/{campaign.territory.slug}/engagements/{campaign.slug}/")
    form = _main_form(page, "consent")
    form.locator("[name=first_name]").fill(name)
    form.locator("[name=email]").fill(email)
    commune = form.locator("[name=commune]")
    commune.press_sequentially("Crest", delay=30)
    suggestions = page.locator(f"datalist#{commune.get_attribute('list')} option")
    suggestions.first.wait_for(state="attached")
    commune.fill("Crest (26400)")
    form.locator("[name=consent]").check()
    submit(page, form)
    assert "vérifiez votre boîte" in page.locator("h1").inner_text()

    mail = next(m for m in reversed(mailoutbox) if m.to == [email])
    link = CONFIRM_LINK.search(mail.body)
    assert link, mail.body
    visit(page, link["path"])
    submit(page, page.locator("main form"))
    assert "votre engagement compte" in page.locator("h1").inner_text()


def test_a_campaign_from_creation_to_the_promise_kept(page, territory, mailoutbox):  # type: ignore[no-untyped-def]
    organiser = UserFactory(email="animatrice@example.org")
    MembershipFactory(user=organiser, territory=territory)
    sponsor = UserFactory(email=SPONSOR_EMAIL)
    log_in(page, organiser)
    campaign = _create_and_publish(page, territory)
    assert campaign.status == CampaignStatus.OPEN

    _commit_and_confirm(page, campaign, mailoutbox, "Camille", "camille@example.org")
    counter = page.locator(".pledge-count").first
    assert counter.inner_text() == "1 personne engagée sur 2"

    _commit_and_confirm(page, campaign, mailoutbox, "Dominique", "dominique@example.org")
    cache.clear()  # the map by commune is cached a minute
    visit(page, f"/t/{territory.slug}/engagements/{campaign.slug}/")
    main = page.locator("main").inner_text()
    assert "Objectif atteint" in main
    assert "2 personnes engagées sur 2" in main
    assert "Dominique (Crest)" in main
    assert page.locator("#carte-engagements .leaflet-tooltip").inner_text() == "2"
    sponsor_mails = [m for m in mailoutbox if m.to == [SPONSOR_EMAIL]]
    assert len(sponsor_mails) == 1
    assert "Objectif atteint" in sponsor_mails[0].subject

    page.context.clear_cookies()
    log_in(page, sponsor)
    visit(page, f"/t/{territory.slug}/engagements/{campaign.slug}/")
    follow(page, page.get_by_role("link", name="Confirmer la contrepartie"))
    form = _main_form(page, "text")
    form.get_by_label("Ce que le parrain a fait").fill(
        "Le chèque de 5 000 € a été remis à Solicycle le 3 juin."
    )
    submit(page, form)
    main = page.locator("main").inner_text()
    assert "Promesse tenue" in main
    assert "Le chèque de 5 000 € a été remis à Solicycle le 3 juin." in main
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FULFILLED


def test_bad_input_in_the_commit_form_is_shown_next_to_the_fields(page, territory):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="velo", sponsor=territory.partners.get())
    visit(page, f"/t/{territory.slug}/engagements/velo/")
    form = _main_form(page, "consent")
    form.locator("[name=first_name]").fill("Zoé")
    form.locator("[name=email]").fill("zoe@example")
    submit(page, form, status=400)
    email = page.locator("main [name=email]")
    assert email.get_attribute("aria-invalid") == "true"
    assert email.input_value() == "zoe@example"
    assert "Cochez la case pour vous engager." in page.locator("main").inner_text()
    assert campaign.commitments.count() == 0


def test_the_campaign_page_fits_a_phone(phone_page, territory):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        slug="velo",
        sponsor=territory.partners.get(),
        participants_goal=200,
        participants_count=143,
        quantity_goal=Decimal("1000"),
        quantity_total=Decimal("412.5"),
        title="Tous à vélo pour que Solicycle sensibilise cinq cents scolaires à la réparation",
    )
    CommitmentFactory.create_batch(
        3, campaign=campaign, commune=territory.communes.get(), first_name="Maximilienne-Éléonore"
    )
    commune_tallies_rebuild(campaign=campaign)  # rows made by factories, not the services
    visit(phone_page, f"/t/{territory.slug}/engagements/velo/")
    assert_no_horizontal_scroll(phone_page)
    assert phone_page.locator("#carte-engagements").is_visible()

    # The counter follows the campaign live (polled every 10 s, no reload).
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=144)
    counter = phone_page.locator("[aria-live=polite] .pledge-count").first
    counter.filter(has_text="144 personnes engagées sur 200").wait_for(timeout=15_000)
    assert phone_page.locator("[aria-live=polite] progress").first.get_attribute("value") == "144"
    assert_accessible(phone_page)
    visit(phone_page, f"/t/{territory.slug}/engagements/")
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
