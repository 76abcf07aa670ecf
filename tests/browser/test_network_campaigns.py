"""A campaign week from its creation to the agenda, in a real browser: the
organiser opens an edition; an actor's contact declares an action on a phone,
forgets the description (the form comes back with the message next to the
field and everything typed kept), then completes it; the organiser asks for
changes without saying which (refused), then accepts; the action shows on
the week's public page and in the territory's agenda. axe checks every page
(WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from network.models import ActionStatus, CampaignAction, CampaignWeek
from territories.models import Role
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    log_in,
    submit,
    visit,
)
from tests.factories import MembershipFactory, UserFactory
from tests.network.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
WEEK = "Semaine européenne de réduction des déchets"
ACTION = "Disco soupe au marché"


@pytest.fixture
def actor(territory):  # type: ignore[no-untyped-def]
    return ActorFactory(
        territory=territory, name="Repair café de Crest", commune=territory.communes.get()
    )


@pytest.fixture
def actor_contact(territory, actor):  # type: ignore[no-untyped-def]
    """A user with the actor-contact role, linked to one of `actor`'s contacts."""
    user = UserFactory(email="karim@repaircafe.example.org", first_name="Karim")
    MembershipFactory(user=user, territory=territory, role=Role.ACTOR_CONTACT)
    ContactFactory(actor=actor, user=user, email=user.email, first_name="Karim")
    return user


def _label(scope, text: str):  # type: ignore[no-untyped-def]
    """The control labelled exactly `text` (Django adds « : » to the labels)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(text)}\s*:?$"))


def _field(page, text: str):  # type: ignore[no-untyped-def]
    """The `div.field` holding the control labelled `text` (its errors are in it)."""
    return page.locator("div.field").filter(has=_label(page, text))


def _create_week(page, starts_on: dt.date) -> CampaignWeek:  # type: ignore[no-untyped-def]
    visit(page, f"/t/{SLUG}/reseau/gerer/semaines/nouvelle/")
    _label(page, "Titre").fill(WEEK)
    _label(page, "Thème").select_option("dechets")
    _label(page, "Présentation").fill("Une semaine pour jeter moins.")
    _label(page, "Du").fill(starts_on.isoformat())
    _label(page, "Au").fill((starts_on + dt.timedelta(days=8)).isoformat())
    deadline = timezone.localdate() + dt.timedelta(days=10)
    _label(page, "Déclarations jusqu'au").fill(deadline.isoformat())
    _label(page, "Valeur d'une journée de travail (€)").fill("200")
    submit(page, page.locator("form.network-form"))
    assert page.get_by_text(f"« {WEEK} » est enregistrée.").is_visible()
    week = CampaignWeek.objects.get()
    assert page.url.endswith(f"/t/{SLUG}/reseau/gerer/semaines/{week.pk}/")
    assert week.declaration_deadline == deadline
    return week


def _declare(phone, actor, week: CampaignWeek) -> CampaignAction:  # type: ignore[no-untyped-def]
    url = f"/t/{SLUG}/reseau/acteurs/{actor.pk}/semaines/{week.pk}/declarer/"
    visit(phone, url)
    assert_no_horizontal_scroll(phone)
    form = phone.locator("form.network-form")
    _label(phone, "Titre").fill(ACTION)
    _label(phone, "Lieu").fill("Marché couvert")
    _label(phone, "Participants attendus").fill("80")
    _label(phone, "Autres partenaires").fill("Les Incroyables Comestibles")
    first = phone.get_by_role("group", name="Date 1", exact=True)
    _label(first, "Jour").fill(week.starts_on.isoformat())
    _label(first, "Heure de début").fill("10:00")
    _label(first, "Heure de fin").fill("12:00")
    second = phone.get_by_role("group", name="Date 2", exact=True)
    _label(second, "Jour").fill((week.starts_on + dt.timedelta(days=1)).isoformat())
    _label(second, "Heure de début").fill("14:00")
    _label(second, "Heure de fin").fill("17:00")

    # The description is forgotten: sent back, the message next to its field.
    submit(phone, form, status=400)
    assert CampaignAction.objects.count() == 0
    description = _label(phone, "Description")
    assert description.get_attribute("aria-invalid") == "true"
    assert "Ce champ est obligatoire." in _field(phone, "Description").inner_text()
    assert phone.locator("div.field-invalid").count() == 1
    # Nothing typed is lost.
    assert _label(phone, "Titre").input_value() == ACTION
    assert _label(phone, "Lieu").input_value() == "Marché couvert"
    assert _label(phone, "Participants attendus").input_value() == "80"
    assert _label(first, "Heure de début").input_value() == "10:00"
    assert _label(second, "Heure de fin").input_value() == "17:00"
    assert_no_horizontal_scroll(phone)

    description.fill("On cuisine les invendus du marché, en musique.")
    submit(phone, form)
    assert phone.url.endswith(f"/t/{SLUG}/reseau/acteurs/{actor.pk}/actions/")
    thanks = "Merci ! L'action est transmise à l'équipe d'animation, qui va la relire."
    assert phone.get_by_text(thanks).is_visible()
    assert phone.locator("li", has_text=ACTION).count() == 1
    action = CampaignAction.objects.get()
    assert action.status == ActionStatus.SUBMITTED
    assert action.dates.count() == 2
    return action


def _moderate(page, week: CampaignWeek, action: CampaignAction) -> None:  # type: ignore[no-untyped-def]
    visit(page, f"/t/{SLUG}/reseau/gerer/semaines/{week.pk}/actions/{action.pk}/")
    form = page.locator("form.network-form")
    page.get_by_role("radio", name="Demander des modifications au déclarant").check()
    submit(page, form, status=400)
    message = "Dites au déclarant ce qu'il faut modifier."
    assert message in _field(page, "Message au déclarant").inner_text()
    action.refresh_from_db()
    assert action.status == ActionStatus.SUBMITTED

    page.get_by_role(
        "radio", name="Accepter : l'action paraît dans l'agenda et sur la carte"
    ).check()
    submit(page, form)
    assert page.url.endswith(f"/t/{SLUG}/reseau/gerer/semaines/{week.pk}/")
    assert page.get_by_text(
        "Action acceptée : ses 2 dates sont dans l'agenda du territoire."
    ).count()
    action.refresh_from_db()
    assert action.status == ActionStatus.ACCEPTED


def test_a_declared_action_is_moderated_then_shown_in_the_agenda(
    page, phone_page, organiser, actor, actor_contact
) -> None:
    log_in(page, organiser)
    week = _create_week(page, timezone.localdate() + dt.timedelta(days=20))

    log_in(phone_page, actor_contact)
    action = _declare(phone_page, actor, week)

    _moderate(page, week, action)

    # Anyone sees it: on the week's public page, and in the agenda.
    page.context.clear_cookies()
    visit(page, f"/t/{SLUG}/reseau/semaines/{week.pk}/")
    assert page.get_by_role("status").inner_text() == "1 action"
    shown = page.locator(f"#action-{action.pk}")
    assert shown.get_by_role("heading", name=ACTION).is_visible()
    assert "Repair café de Crest avec Les Incroyables Comestibles" in shown.inner_text()
    assert shown.locator("ul.campaign-dates li").count() == 2
    visit(page, f"/t/{SLUG}/agenda/")
    assert page.get_by_role("link", name=ACTION).count() == 2
