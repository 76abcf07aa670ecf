"""A territory's self-diagnosis suggests resources of its weakest axes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from commons import selectors
from questionnaires.models import Answer, Response
from questionnaires.services import questionnaire_copy, questionnaire_publish
from tests.questionnaires.factories import shipped_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled_grid(territory, organiser):  # type: ignore[no-untyped-def]
    grid = questionnaire_publish(
        questionnaire=questionnaire_copy(
            template=shipped_template("grille-resilience"), territory=territory, user=organiser
        ),
        user=organiser,
    )
    response = Response.objects.create(
        questionnaire=grid, respondent=organiser, submitted_at=timezone.now()
    )
    for question in grid.questions.select_related("axis"):
        level = {"Santé": 0, "Économie": 1}.get(question.axis.title, 4)
        Answer.objects.create(response=response, question=question, number=level)
    return grid


def test_the_weakest_axes_come_first(filled_grid):  # type: ignore[no-untyped-def]
    found = selectors.suggestions(selectors.latest_grid_scores(filled_grid))
    assert [s.axis.code for s in found] == ["sante", "economie"]
    assert all(r.axis.code == "sante" for r in found[0].resources)
    assert found[0].resources[0].stage == "valide"


def test_the_results_page_loads_the_block_and_the_block_lists_sheets(
    client, organiser, filled_grid
):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    results = client.get(
        f"/t/val-de-drome/questionnaires/{filled_grid.slug}/resultats/"
    ).content.decode()
    url = f"/commun/suggestions/val-de-drome/{filled_grid.slug}/"
    assert f'hx-get="{url}"' in results
    block = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Tenir un plan canicule et son registre" in block
    assert "<html" not in block
    home = client.get("/commun/").content.decode()
    assert f'hx-get="{url}"' in home


def test_the_block_is_the_organisers_like_the_results(client, member, filled_grid):  # type: ignore[no-untyped-def]
    client.force_login(member)
    assert client.get(f"/commun/suggestions/val-de-drome/{filled_grid.slug}/").status_code == 403
