"""iCal feeds (territory, challenge, one event, my registrations) and the page
that gives a person the secret address of their own feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from challenges.models import Challenge
from challenges.views import challenge_from_url
from elan.links import site_root
from events import ical
from events.models import CalendarFeed, Event
from events.selectors import announced_events, feed_events
from events.views import event_from_url
from territories.models import Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
VIEW_CHALLENGE = "challenges.view_challenge"


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _ics(content: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@permission_required(VIEW_TERRITORY, _territory, visible=VIEW_TERRITORY)
def ical_territory(request: HttpRequest, territory: Territory) -> HttpResponse:
    """Announced events only, whoever asks: a feed is shared, drafts are not."""
    events = feed_events(announced_events().filter(territory=territory))
    name = _("Agenda — %(name)s") % {"name": territory.name}
    content = ical.events_calendar(site_root(request), name, events)
    return _ics(content, f"agenda-{territory.slug}.ics")


@require_GET
@permission_required(VIEW_CHALLENGE, challenge_from_url, visible=VIEW_CHALLENGE)
def ical_challenge(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    events = feed_events(announced_events().filter(challenge=challenge))
    name = _("Agenda — %(title)s") % {"title": challenge.title}
    filename = f"agenda-{challenge.territory.slug}-{challenge.slug}.ics"
    return _ics(ical.events_calendar(site_root(request), name, events), filename)


@require_GET
@permission_required("events.view_event", event_from_url, visible="events.view_event")
def ical_event(request: HttpRequest, event: Event) -> HttpResponse:
    """The « add to my calendar » file of one event."""
    content = ical.events_calendar(site_root(request), event.title, [event])
    response = _ics(content, f"evenement-{event.pk}.ics")
    response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
    return response


@require_GET
def ical_personal(request: HttpRequest, token: str) -> HttpResponse:
    """No login (calendar apps cannot): the secret token is the key. An
    unknown, replaced or erased account's token is not found."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    content = ical.personal_calendar(site_root(request), feed)
    return _ics(content, "mes-evenements.ics", private=True)


@permission_required("events.use_calendar_feed")
def calendar_feed(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        had_one = ical.feed_for(user) is not None
        ical.calendar_feed_regenerate(user=user)
        if had_one:
            text = _("Nouvelle adresse créée : l'ancienne ne fonctionne plus.")
        else:
            text = _("Votre adresse d'agenda personnel est prête.")
        messages.success(request, text)
        return redirect("events:calendar_feed")
    feed = ical.feed_for(user)
    context: dict[str, Any] = {"feed": feed}
    if feed is not None:
        feed_url = site_root(request) + reverse("events:ical_personal", args=[feed.token])
        webcal_url = "webcal://" + feed_url.split("://", 1)[1]
        context.update(feed_url=feed_url, webcal_url=webcal_url)
    return TemplateResponse(request, "events/agenda/calendar_feed.html", context)


urlpatterns: list[URLPattern] = [
    path("t/<slug:slug>/agenda.ics", ical_territory, name="ical_territory"),
    path("t/<slug:slug>/defis/<slug:challenge>/agenda.ics", ical_challenge, name="ical_challenge"),
    path("t/<slug:slug>/agenda/<int:pk>.ics", ical_event, name="ical_event"),
    path("agenda/<str:token>.ics", ical_personal, name="ical_personal"),
    path("compte/agenda/", calendar_feed, name="calendar_feed"),
]
