"""A guest registers to a full workshop, lands on the waiting list, and gets
the seat when a member cancels from « mes inscriptions ». Every page is
checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from events.models import RegistrationStatus
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    follow,
    log_in,
    submit,
    visit,
    visit_all,
)
from tests.events.factories import EventFactory, EventRegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

GUEST = "lea.martin@example.org"
LINK = re.compile(r"https?://[^/\s]+(?P<path>/evenements/(confirmer|inscription)/[^\s]+/)")


def _link(mail, kind: str) -> str:  # type: ignore[no-untyped-def]
    for match in LINK.finditer(mail.body):
        if f"/{kind}/" in match["path"]:
            return match["path"]
    raise AssertionError(f"pas de lien « {kind} » dans : {mail.body}")


def _mails_to(mailoutbox, address: str) -> list:  # type: ignore[no-untyped-def]
    return [m for m in mailoutbox if m.to == [address]]


def test_a_guest_on_the_waiting_list_is_promoted_when_a_member_cancels(
    page, territory, member, mailoutbox
) -> None:
    workshop = EventFactory(
        territory=territory,
        title="Fabriquer sa lessive",
        capacity=1,
        place_name="Tiers-lieu La Gare",
        access_note="Accessible en fauteuil, bus ligne 2",
    )
    EventRegistrationFactory(event=workshop, user=member)

    visit(page, reverse("events:detail", args=[territory.slug, workshop.pk]))
    assert page.get_by_text("Complet — liste d'attente").is_visible()
    form = page.locator("main form").filter(has=page.locator("[name=email]"))
    form.get_by_label("Votre nom").fill("Léa Martin")
    form.get_by_label("Votre adresse e-mail").fill(GUEST)
    form.get_by_label("J'accepte que mon nom").check()
    submit(page, form)
    assert page.get_by_role("heading", name="Vérifiez votre boîte e-mail").is_visible()

    (confirmation,) = _mails_to(mailoutbox, GUEST)
    visit(page, _link(confirmation, "confirmer"))
    follow(page, page.get_by_role("button", name="Je confirme mon inscription"))
    status = page.locator(".event-status")
    assert "liste d'attente" in status.inner_text()
    assert "rang 1" in status.inner_text()
    guest = workshop.registrations.get(email=GUEST)
    assert guest.status == RegistrationStatus.WAITING

    log_in(page, member)
    visit(page, reverse("events:my_registrations"))
    follow(page, page.get_by_role("button", name="Annuler mon inscription"))
    assert page.get_by_text("Votre inscription est annulée.").is_visible()

    promotion = [m for m in _mails_to(mailoutbox, GUEST) if "place s'est libérée" in m.subject]
    assert len(promotion) == 1
    page.context.clear_cookies()  # the guest, on their own device
    visit(page, _link(promotion[0], "inscription"))
    assert "Vous êtes inscrit·e." in page.locator(".event-status").inner_text()
    assert page.get_by_text("Tiers-lieu La Gare").is_visible()


def test_the_participant_pages_pass_axe_on_a_phone(phone_page, territory, member) -> None:
    page = phone_page
    workshop = EventFactory(
        territory=territory,
        title="Atelier couture : réparer ses vêtements",
        capacity=1,
        place_name="Ressourcerie",
        address="12 avenue de la République, bâtiment B",
        access_note="Rez-de-chaussée accessible en fauteuil",
    )
    other = EventFactory(territory=territory, title="Cuisine anti-gaspi")
    seat = EventRegistrationFactory(event=workshop, user=member)
    pending = EventRegistrationFactory(
        event=other,
        user=None,
        name="Léa",
        email=GUEST,
        status=RegistrationStatus.PENDING,
        confirmed_at=None,
    )
    slug = territory.slug
    visit_all(
        page,
        [
            reverse("events:detail", args=[slug, workshop.pk]),
            reverse("events:detail", args=[slug, other.pk]),
            reverse("events:guest_confirm", args=[pending.token]),
            reverse("events:registration_cancel", args=[seat.token]),
        ],
        then=assert_no_horizontal_scroll,
    )
    form = page.locator("main form").filter(has=page.locator("[name=email]"))
    visit(page, reverse("events:detail", args=[slug, other.pk]))
    form.get_by_label("Votre nom").fill("Léa Martin")
    form.get_by_label("Votre adresse e-mail").fill("pas-une-adresse")
    submit(page, form, status=400)
    assert page.get_by_text("Indiquez une adresse e-mail valide").first.is_visible()
    assert form.get_by_label("Votre nom").input_value() == "Léa Martin"

    log_in(page, member)
    visit_all(
        page,
        [
            reverse("events:my_registrations"),
            reverse("events:detail", args=[slug, workshop.pk]),
        ],
        then=assert_no_horizontal_scroll,
    )
