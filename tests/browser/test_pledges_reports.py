"""A participant reports activities by their personal link: 12 km of bike,
then 350 km, which asks for a confirmation; they correct it to 35 km and
see their totals and the CO2 avoided. axe checks every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pledges.models import Campaign
from tests.browser.helpers import submit, visit
from tests.pledges.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def commitment(territory):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        slug="au-travail-a-velo",
        title="Au travail à vélo",
        reports_activities=True,
        published_at=timezone.now() - dt.timedelta(days=3),
    )
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=1)
    return CommitmentFactory(campaign=campaign, first_name="Lou")


def test_a_participant_reports_corrects_an_absurd_value_and_sees_the_totals(
    page, commitment
) -> None:  # type: ignore[no-untyped-def]
    visit(page, f"/engagement/{commitment.report_token}/activites/")
    main = page.locator("main")
    form = main.locator("form", has=page.locator("[name=km]"))
    assert form.get_by_role("radio", name="Vélo").is_checked()
    form.get_by_label("Kilomètres parcourus").fill("12")
    submit(page, form)
    assert "Merci ! 12,0 km (vélo) enregistrés" in main.inner_text()

    form.get_by_label("Kilomètres parcourus").fill("350")
    submit(page, form, status=400)
    assert "Vous avez saisi 350 km à vélo en une journée : confirmez-vous ?" in main.inner_text()
    confirm = form.get_by_label("Oui, je confirme cette valeur")
    assert confirm.is_visible()
    assert not confirm.is_checked()
    km = form.get_by_label("Kilomètres parcourus")
    assert km.input_value() == "350", "rien de ce qui a été saisi n'est perdu"
    assert km.get_attribute("aria-invalid") == "true"

    km.fill("35")
    submit(page, form)
    assert "Merci ! 35,0 km (vélo) enregistrés" in main.inner_text()
    totals = main.get_by_role("region", name="Mes totaux").inner_text()
    assert "47,0 km" in totals
    assert "10,2 kg" in totals  # 47 km × 0,218 kgCO2e/km
    campaign = main.get_by_role("region", name="Toute la campagne").inner_text()
    assert "47,0 km" in campaign
    history = main.get_by_role("table", name="Mes activités, de la plus récente à la plus ancienne")
    assert history.locator("tbody tr").count() == 2
