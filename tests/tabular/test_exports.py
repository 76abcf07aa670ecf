"""Every CSV Élan writes goes through the kit: a formula typed by someone is
text in the spreadsheet of whoever opens the export."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile

import pytest
from django.urls import reverse

from challenges.models import RegistrationStatus, Theme
from measures.imports import data_export, data_import
from measures.models import Reading
from measures.results import cache
from questionnaires.responses import response_submit
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)
from tests.measures.results_payload import build_payload
from tests.pledges.factories import ActivityReportFactory, CampaignFactory, CommitmentFactory
from tests.questionnaires.factories import survey_with_questions

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://x","y")'


def rows_of(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_challenge_results_export(client, territory, organiser, monkeypatch):
    challenge = ChallengeFactory(territory=territory)
    team = TeamFactory(challenge=challenge, name="@SUM(A1)")
    registrations = [
        RegistrationFactory(
            challenge=challenge,
            household=HouseholdFactory(name=name, commune=territory.communes.first()),
            team=team,
            status=RegistrationStatus.SELECTED,
        )
        for name in (LINK, "-2 rue des Lilas")
    ]
    payload = build_payload(challenge, [team], registrations)
    monkeypatch.setattr(cache, "challenge_results", lambda c, **kw: payload)
    client.force_login(organiser)
    url = reverse("measures:results_export", args=[territory.slug, challenge.slug])
    header, *rows = rows_of(client.get(url).content)
    names = {row[header.index("Foyer")] for row in rows}
    assert names == {"'" + LINK, "'-2 rue des Lilas"}
    assert {row[header.index("Équipe")] for row in rows} == {"'@SUM(A1)"}
    teams = rows_of(client.get(url + "?niveau=equipes").content)
    assert teams[1][1] == "'@SUM(A1)"


def test_the_questionnaire_results_export(client, territory, organiser):
    survey = survey_with_questions(territory=territory)
    single, multiple, scale, text = list(survey.questions.order_by("position"))
    response_submit(
        questionnaire=survey,
        answers={
            single.pk: single.choices.order_by("position").first().pk,
            multiple.pk: [multiple.choices.order_by("position").first().pk],
            scale.pk: 3,
            text.pk: LINK,
        },
        user=organiser,
        interviewer=organiser,
        consent=True,
        client_key=uuid.uuid4(),
    )
    client.force_login(organiser)
    url = reverse("questionnaires:results_csv", args=[territory.slug, survey.slug])
    header, answer = rows_of(client.get(url).content)
    assert answer[header.index("Qu'est-ce qui vous aiderait ?")] == "'" + LINK


def test_the_personal_data_export(client, territory):
    household = HouseholdFactory(name="+33 foyer", commune=territory.communes.first())
    user = UserFactory(first_name=LINK, last_name="\tTab", household=household)
    client.force_login(user)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("accounts:export")).content))
    header, account = rows_of(archive.read("compte.csv"))
    assert account[header.index("prenom")] == "'" + LINK
    assert account[header.index("nom")] == "'\tTab"
    header, home = rows_of(archive.read("foyer.csv"))
    assert home[header.index("nom")] == "'+33 foyer"
    assert home[header.index("adultes")] == "2"


def test_the_sponsor_export(client, territory):
    sponsor = UserFactory()
    campaign = CampaignFactory(territory=territory, reports_activities=True, sites=["@Crest"])
    campaign.sponsor_contacts.add(sponsor)
    person = CommitmentFactory(campaign=campaign, first_name="\rx", site="@Crest")
    ActivityReportFactory(commitment=person)
    client.force_login(sponsor)
    url = reverse("pledges:sponsor_csv", args=[territory.slug, campaign.slug])
    body = b"".join(client.get(url).streaming_content)
    _header, row = rows_of(body)
    assert row[1:4] == ["'\rx", "", "'@Crest"]


def test_the_readings_export_reimports_a_neutralised_name(territory):
    challenge = ChallengeFactory(territory=territory, themes=[Theme.ENERGY])
    household = HouseholdFactory(name="=Martin", commune=territory.communes.first())
    RegistrationFactory(challenge=challenge, household=household)
    meter = MeterFactory(household=household, label="+gaz")
    ReadingFactory(meter=meter, read_on=challenge.starts_on, value=7)
    text = data_export(challenge=challenge, kind="releves")
    assert "'=Martin;'+gaz;base;" in text
    report = data_import(
        challenge=challenge, kind="releves", data=text.encode(), filename="e.csv", user=None
    )
    assert (report.created, report.present_count) == (0, 1)
    assert Reading.objects.count() == 1
