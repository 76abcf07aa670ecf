"""The commons after `seed_demo`: the content shipped with Élan (two OPTIGEDE
experience sheets retold with their authors and source credited, at least 15
action sheets across the five axes, the starting path, licences shown with
their attribution) and the demo's own life (revisions, feedback, comments, an
adaptation, a curator); a second run creates nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command

from commons.licences import terms
from commons.models import (
    CURATORS_GROUP,
    Axis,
    Comment,
    Feedback,
    Kind,
    Path,
    PathStep,
    Resource,
    Revision,
    Status,
)
from commons.rules import is_curator
from territories.demo import DEMO_DOMAIN

pytestmark = pytest.mark.django_db

OPTIGEDE = {
    "mobiliser-les-acteurs-d-un-programme-local-de-prevention-des-dechets": (
        "Anne Moldo",
        "Mulhouse Alsace Agglomération",
    ),
    "club-optimo-reseau-d-acteurs-de-la-prevention-des-dechets": (
        "Pascal Strievi",
        "SMICTOM d'Alsace Centrale",
    ),
}
AXES = {"alimentation", "energie", "autonomie-solidarite", "sante", "economie"}


def _counts() -> dict[str, int]:
    models: list[Any] = [Resource, Revision, Feedback, Comment, Path, PathStep]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def seeded(db):  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.usefixtures("seeded")
def test_the_two_optigede_sheets_credit_their_authors_and_source(client):  # type: ignore[no-untyped-def]
    sheets = Resource.objects.filter(kind=Kind.EXPERIENCE, status=Status.PUBLISHED)
    assert set(OPTIGEDE) <= set(sheets.values_list("slug", flat=True))
    for slug, (author, organisation) in OPTIGEDE.items():
        sheet = sheets.get(slug=slug)
        assert (sheet.author_name, sheet.organisation) == (author, organisation)
        assert "OPTIGEDE" in sheet.source
        assert "ADEME" in sheet.source
        assert sheet.source_url.startswith("https://optigede.ademe.fr")
        assert author in sheet.credit()
        assert "OPTIGEDE" in sheet.credit()
        # The OPTIGEDE sections are filled, in the sheet's own fields.
        for section in ("context", "objectives", "implementation", "recommendations"):
            assert getattr(sheet, section).strip(), (slug, section)
        assert sheet.results_quantitative or sheet.results_qualitative
        assert sheet.current_revision is not None

        page = _text(client.get(sheet.get_absolute_url()).content.decode())
        assert f"{author}, {organisation}" in page
        assert "OPTIGEDE (ADEME)" in page
        assert "Pour la réutiliser, citez" in page
        for heading in ("Contexte", "Objectifs et résultats", "Mise en œuvre", "Enseignements"):
            assert heading in page, (slug, heading)


@pytest.mark.usefixtures("seeded")
def test_at_least_15_action_sheets_sit_in_the_five_axes():
    assert set(Axis.objects.values_list("code", flat=True)) == AXES
    sheets = Resource.objects.filter(kind=Kind.ACTION_SHEET, status=Status.PUBLISHED)
    assert sheets.count() >= 15
    assert not sheets.filter(action__isnull=True).exists()  # each one in the taxonomy
    placed = set(sheets.values_list("action__objective__orientation__axis__code", flat=True))
    assert placed == AXES
    assert set(sheets.values_list("axis__code", flat=True)) == AXES


@pytest.mark.usefixtures("seeded")
def test_the_starting_path_answers_where_to_begin(client):  # type: ignore[no-untyped-def]
    path = Path.objects.get(slug="par-ou-commencer")
    assert path.is_published
    assert path.title.startswith("Par où commencer")
    steps = list(path.steps.select_related("resource").order_by("position"))
    assert len(steps) >= 5
    assert all(step.resource.status == Status.PUBLISHED for step in steps)
    assert steps[0].resource.kind == Kind.QUESTIONNAIRE  # the self-diagnosis comes first
    home = client.get("/commun/").content.decode()
    assert path.get_absolute_url() in home
    page = _text(client.get(path.get_absolute_url()).content.decode())
    for step in steps:
        assert step.resource.title in page


@pytest.mark.usefixtures("seeded")
def test_every_shipped_resource_shows_its_licence(client):  # type: ignore[no-untyped-def]
    shipped = Resource.objects.filter(revisions__comment="Fiche livrée avec Élan").distinct()
    assert shipped.count() >= 18
    for resource in shipped:
        licence = terms(resource.licence)
        html = client.get(resource.get_absolute_url()).content.decode()
        assert f'<a rel="license" href="{licence.url}">{licence.short}</a>' in html, resource.slug
        assert '"license"' in html  # and in the JSON-LD of the page


def test_the_demo_lives_and_a_second_run_creates_nothing():
    call_command("seed_demo", verbosity=0)
    compost = Resource.objects.get(slug="mettre-en-place-le-compostage-partage")
    assert compost.revisions.count() >= 3  # shipped, then revised by two demo people
    authors = set(compost.revisions.exclude(author=None).values_list("author__email", flat=True))
    assert {f"animatrice@{DEMO_DOMAIN}", f"acteur@{DEMO_DOMAIN}"} <= authors
    assert Feedback.objects.filter(territory__slug="val-de-drome").count() >= 2
    assert Comment.objects.filter(resource=compost).count() >= 3
    assert Comment.objects.filter(resource=compost, open_reports__gt=0).count() == 1
    adaptation = Resource.objects.get(derived_from=compost)
    assert adaptation.licence == compost.licence  # ShareAlike stays ShareAlike
    curator = compost.adaptations.get().created_by
    assert curator is not None
    assert curator.groups.filter(name=CURATORS_GROUP).exists()
    assert is_curator(curator)

    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before
