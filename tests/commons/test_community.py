"""Feedback, comments and their moderation; the page's queries do not grow with comments."""

from __future__ import annotations

import pytest

from commons.models import Comment, CommentStatus, Feedback
from tests.commons.factories import resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_gives_feedback_for_their_territory(client, organiser, territory):  # type: ignore[no-untyped-def]
    found = resource()
    client.force_login(organiser)
    response = client.post(
        f"/commun/r/{found.slug}/retour/",
        {
            "territory": territory.pk,
            "context": "Trois hameaux.",
            "worked": "Les référents.",
            "usefulness": 4,
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.territory, feedback.usefulness, feedback.revision) == (
        territory,
        4,
        found.current_revision,
    )
    page = client.get(found.get_absolute_url()).content.decode()
    assert "1 retour d&#x27;expérience" in page or "1 retour d'expérience" in page
    assert "utilité moyenne : 4,0 sur 5" in page
    assert "Val de Drôme" in page


def test_feedback_for_a_territory_one_does_not_belong_to_is_refused(
    client, organiser, other_territory
):  # type: ignore[no-untyped-def]
    found = resource()
    client.force_login(organiser)
    response = client.post(
        f"/commun/r/{found.slug}/retour/",
        {"territory": other_territory.pk, "context": "x", "usefulness": 5},
    )
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_usefulness_out_of_range_is_refused(client, organiser, territory):  # type: ignore[no-untyped-def]
    found = resource()
    client.force_login(organiser)
    response = client.post(
        f"/commun/r/{found.slug}/retour/",
        {"territory": territory.pk, "context": "x", "usefulness": 9},
    )
    assert response.status_code == 400


def test_a_household_member_speaks_for_the_territory_of_their_commune(client, member, territory):  # type: ignore[no-untyped-def]
    found = resource()
    client.force_login(member)
    page = client.get(f"/commun/r/{found.slug}/retour/").content.decode()
    assert "Val de Drôme" in page


def test_someone_without_territory_is_told_why(client, outsider):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    page = client.get(f"/commun/r/{resource().slug}/retour/").content.decode()
    assert "rattaché à aucun" in page


def test_comment_report_hide_and_restore(client, curator):  # type: ignore[no-untyped-def]
    found = resource()
    author, reader = UserFactory(display_name="Auteur"), UserFactory()
    client.force_login(author)
    client.post(f"/commun/r/{found.slug}/commenter/", {"body": "Un propos déplacé"})
    comment = Comment.objects.get()
    client.force_login(reader)
    client.post(f"/commun/commentaires/{comment.pk}/signaler/", {"reason": "Insultant"})
    client.post(f"/commun/commentaires/{comment.pk}/signaler/", {"reason": "encore"})
    comment.refresh_from_db()
    assert comment.open_reports == 1  # one person counts once
    client.force_login(curator)
    queue = client.get("/commun/moderation/").content.decode()
    assert "Un propos déplacé" in queue
    assert "Insultant" in queue
    assert (
        client.post(f"/commun/commentaires/{comment.pk}/masquer/", {"reason": ""}).status_code
        == 400
    )
    client.post(f"/commun/commentaires/{comment.pk}/masquer/", {"reason": "Propos insultants"})
    comment.refresh_from_db()
    assert (comment.status, comment.open_reports) == (CommentStatus.HIDDEN, 0)
    page = client.get(found.get_absolute_url()).content.decode()
    assert "Un propos déplacé" not in page
    assert "Commentaire masqué par la modération : Propos insultants" in page
    client.post(f"/commun/commentaires/{comment.pk}/restaurer/")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE
    assert "Un propos déplacé" in client.get(found.get_absolute_url()).content.decode()


def test_contributors_cannot_moderate(client, outsider):  # type: ignore[no-untyped-def]
    comment = Comment.objects.create(resource=resource(), author=UserFactory(), body="x")
    client.force_login(outsider)
    assert (
        client.post(f"/commun/commentaires/{comment.pk}/masquer/", {"reason": "non"}).status_code
        == 403
    )
    assert client.get("/commun/moderation/").status_code == 403


def _page_with_comments(count: int):  # type: ignore[no-untyped-def]
    found = resource()
    authors = [UserFactory() for _ in range(3)]
    Comment.objects.bulk_create(
        Comment(resource=found, author=authors[i % 3], body=f"Commentaire {i}")
        for i in range(count)
    )
    Feedback.objects.bulk_create([])
    return found


def _queries(client, found) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(found.get_absolute_url())  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(found.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_with_3_or_300_comments(client, outsider):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    assert _queries(client, _page_with_comments(3)) == _queries(client, _page_with_comments(300))


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_stays_within_its_query_budget(
    client, outsider, django_assert_max_num_queries, count
):  # type: ignore[no-untyped-def]
    found = _page_with_comments(count)
    client.force_login(outsider)
    client.get(found.get_absolute_url())
    with django_assert_max_num_queries(QUERIES):
        response = client.get(found.get_absolute_url())
    assert response.content.decode().count('class="comment"') == count


# 15 today (session, user, curator group, roles, resource, comments, feedback,
# contributors, adaptations, tags, images, attachments, revision count…).
QUERIES = 18
