"""What the reports give to the RGPD export and take away on erasure: the
testimonies a person gave, with when and how they agreed to publication."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts import rgpd
from accounts.services import account_erase
from reports import models as report_models
from reports.content import report_context
from reports.models import Audience, ReportSelection

pytestmark = pytest.mark.django_db


def test_the_export_lists_my_testimonies_with_their_consent(closed_challenge) -> None:
    challenge, _photo, testimony, users = closed_challenge
    report_models.Testimony.objects.create(
        challenge=challenge,
        author=users[1],
        text="Pas le mien.",
        signature="Autre",
        consent_at=testimony.consent_at,
        consent_source="formulaire en ligne du défi",
    )
    rows = rgpd.export_data(users[0])["temoignages"]
    assert len(rows) == 1
    row = rows[0]
    assert row["defi"] == challenge.title
    assert row["texte"] == testimony.text
    assert row["signature"] == "Claire, Crest"
    assert row["recueilli_par"] == "formulaire en ligne du défi"
    assert row["publication_acceptee_le"] == timezone.localtime(testimony.consent_at).isoformat()
    assert row["retenu_pour_le_bilan"] is False
    assert rgpd.export_data(users[2])["temoignages"] == []


def test_erasure_withdraws_a_chosen_testimony_from_the_next_report(closed_challenge) -> None:
    challenge, _photo, testimony, users = closed_challenge
    testimony.selected = True
    testimony.save()
    selection, _created = ReportSelection.objects.get_or_create(challenge=challenge)
    version = selection.version
    shown = report_context(challenge, Audience.PUBLIC)["testimonies"]
    assert [t.text for t in shown] == [testimony.text]
    account_erase(user=users[0])
    assert not report_models.Testimony.objects.filter(pk=testimony.pk).exists()
    selection.refresh_from_db()
    assert selection.version == version + 1  # the next PDF is made again, without it
    assert list(report_context(challenge, Audience.PUBLIC)["testimonies"]) == []
    assert challenge.registrations.count() == 4  # the challenge's figures stay
