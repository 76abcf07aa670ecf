"""Who may open the pages of the network's campaign weeks: organisers (and
admins) create editions, declare for any actor and moderate; the region's
coordinators read the editions and their figures but do not moderate (the
moderation page names the declarant: a 404 for them); an actor's contacts
declare for their own actor (tested in test_campaigns.py, they are no role of
the matrix). Anyone reads the public pages, the photos of accepted actions and
the API."""

from network.models import ActionStatus, CampaignActionPhoto
from tests.matrix import PUBLIC, Spec, statuses
from tests.network.campaign_factories import CampaignWeekFactory, action_with_dates, png
from tests.network.factories import member_actor

READERS = statuses(403, anonymous=302, organiser=200, coordinator=200, admin=200)
ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
HIDDEN = statuses(404, organiser=200, admin=200)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def week(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "week": CampaignWeekFactory(territory=w.territory).pk}


def _action(w, status=ActionStatus.SUBMITTED):  # type: ignore[no-untyped-def]
    found = CampaignWeekFactory(territory=w.territory)
    actor = member_actor(w.territory, name="Repair café", listed=True)
    return action_with_dates(0, 2, week=found, actor=actor, status=status)


def week_action(w):  # type: ignore[no-untyped-def]
    action = _action(w)
    return {"slug": w.territory.slug, "week": action.week_id, "action": action.pk}


def listed_actor(w):  # type: ignore[no-untyped-def]
    actor = member_actor(w.territory, name="Repair café", listed=True)
    return {"slug": w.territory.slug, "pk": actor.pk}


def actor_week(w):  # type: ignore[no-untyped-def]
    return {**listed_actor(w), "week": CampaignWeekFactory(territory=w.territory).pk}


def actor_action(w):  # type: ignore[no-untyped-def]
    action = _action(w)
    return {"slug": w.territory.slug, "pk": action.actor_id, "action": action.pk}


def photo(w):  # type: ignore[no-untyped-def]
    action = _action(w, status=ActionStatus.ACCEPTED)
    found = CampaignActionPhoto.objects.create(
        action=action, image=png(), alt_text="Les bénévoles au stand"
    )
    return {
        "slug": w.territory.slug,
        "week": action.week_id,
        "action": action.pk,
        "photo": found.pk,
    }


def api_week(w):  # type: ignore[no-untyped-def]
    return {"territory": w.territory.slug, "week_id": week(w)["week"]}


MATRIX = {
    "network:campaign_weeks": Spec(READERS, territory),
    "network:campaign_week_create": Spec(ORGANISER, territory),
    "network:campaign_week_detail": Spec(READERS, week),
    "network:campaign_week_edit": Spec(ORGANISER, week),
    "network:campaign_action_add": Spec(ORGANISER, week),
    "network:campaign_action_moderate": Spec(HIDDEN, week_action, anonymous_to_login=False),
    "network:actor_campaign_actions": Spec(ORGANISER, listed_actor),
    "network:campaign_action_create": Spec(ORGANISER, actor_week),
    "network:campaign_action_edit": Spec(ORGANISER, actor_action),
    "network:campaign_weeks_public": Spec(PUBLIC, territory),
    "network:campaign_week_public": Spec(PUBLIC, week),
    "network:campaign_action_photo": Spec(PUBLIC, photo),
    "api:network_campaign_week_list": Spec(PUBLIC, lambda w: {"territory": w.territory.slug}),
    "api:network_campaign_action_list": Spec(PUBLIC, api_week),
}
