"""What the commons gives to the RGPD export: a person's resources,
revisions, comments and feedback; erasure keeps them without the name."""

from __future__ import annotations

import pytest

from accounts import rgpd
from accounts.services import account_erase
from commons.models import Comment, Feedback
from tests.commons.factories import resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_lists_my_contributions_to_the_commons(territory) -> None:
    author = UserFactory(display_name="Inès")
    mine = resource(user=author, title="Guide du compost partagé")
    other = resource(title="La fiche d'un autre")
    Comment.objects.create(resource=other, author=author, body="Testé chez nous, très clair.")
    Feedback.objects.create(
        resource=other, territory=territory, author=author, context="Trois quartiers.", usefulness=5
    )
    rows = rgpd.export_data(author)["commun_contributions"]
    kinds = [(r["type"], r["ressource"]) for r in rows]
    assert ("ressource créée", "Guide du compost partagé") in kinds
    assert ("révision", mine.title) in kinds
    assert ("commentaire", "La fiche d'un autre") in kinds
    assert ("retour d'expérience", "La fiche d'un autre") in kinds
    assert all(r["ressource"] != "La fiche d'un autre" or r["type"] != "révision" for r in rows)
    assert rgpd.export_data(UserFactory())["commun_contributions"] == []


def test_erasure_keeps_the_contributions_without_the_name(territory) -> None:
    author = UserFactory(display_name="Inès", first_name="Inès", last_name="Vial")
    mine = resource(user=author, title="Guide du compost partagé")
    account_erase(user=author)
    mine.refresh_from_db()
    assert mine.title == "Guide du compost partagé"  # the shared work stays
    author.refresh_from_db()
    assert author.display_name == ""
    assert author.last_name == ""
