"""Éco-gestes: a household's choices and ticks, the challenge's adoption
figures, and the territory's catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from challenges.forms.gestures import EcoGestureForm, GestureChoiceForm, GestureTickForm
from challenges.models import (
    Challenge,
    EcoGesture,
    GestureChoice,
    GestureStatus,
    Registration,
    Theme,
)
from challenges.rules import registration_of
from challenges.services import gestures as services
from challenges.views import challenge_from_url
from elan.charts import Series, TimeChart
from territories.models import Territory
from territories.permissions import permission_required

VIEW_CHALLENGE = "challenges.view_challenge"
VIEW_TERRITORY = "territories.view_territory"
CHOOSE = "challenges.choose_gestures"
EDIT = "challenges.edit_gestures"


@dataclass
class OfferedGesture:
    """A gesture as offered by one challenge (rules read `.challenge`)."""

    challenge: Challenge
    gesture: EcoGesture


@dataclass
class TerritoryGesture:
    """A gesture seen from a territory's catalogue (rules read `.territory`)."""

    territory: Territory
    gesture: EcoGesture


_challenge = challenge_from_url


def _offered(slug: str, challenge: str, pk: int) -> OfferedGesture:
    found = _challenge(slug, challenge)
    gesture = get_object_or_404(services.offered_gestures(found), pk=pk)
    return OfferedGesture(found, gesture)


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _territory_gesture(slug: str, pk: int) -> TerritoryGesture:
    territory = _territory(slug)
    gesture = get_object_or_404(
        EcoGesture.objects.filter(territory__isnull=True) | territory.eco_gestures.all(), pk=pk
    )
    return TerritoryGesture(territory, gesture)


# --- A household's gestures ---------------------------------------------------


def _registration(request: HttpRequest, challenge: Challenge) -> Registration:
    # choose_gestures required a selected registration (cached by the rule);
    # only a superuser, who has every permission, may get here without one.
    registration = registration_of(request.user, challenge)
    if registration is None:
        raise PermissionDenied
    return registration


@dataclass
class Card:
    gesture: EcoGesture
    choice: GestureChoice | None
    form: GestureChoiceForm
    tick_form: GestureTickForm | None
    notice: str = ""

    @property
    def committed(self) -> bool:
        return self.choice is not None and self.choice.status == GestureStatus.COMMITTED


def _card(
    challenge: Challenge,
    gesture: EcoGesture,
    choice: GestureChoice | None,
    *,
    form: GestureChoiceForm | None = None,
    tick_form: GestureTickForm | None = None,
    notice: str = "",
) -> Card:
    auto_id = f"g{gesture.pk}-%s"
    if form is None:
        initial = {"status": choice.status, "reason": choice.reason} if choice else {}
        form = GestureChoiceForm(initial=initial, auto_id=auto_id)
    if tick_form is None:
        tick_form = GestureTickForm(challenge=challenge, auto_id=auto_id)
    return Card(gesture, choice, form, tick_form, notice)


def _page_context(
    challenge: Challenge, registration: Registration, bound: Card | None = None
) -> dict[str, Any]:
    choices = services.household_choices(registration)
    cards = [
        bound if bound and bound.gesture.pk == g.pk else _card(challenge, g, choices.get(g.pk))
        for g in services.offered_gestures(challenge)
    ]
    today = timezone.localdate()
    return {
        "challenge": challenge,
        "territory": challenge.territory,
        "groups": services.group_by_theme(challenge.themes, cards, lambda c: c.gesture.theme),
        "editable": services.choices_are_open(challenge, today),
        "can_tick": challenge.starts_on <= today,
        "counts": {
            status: sum(1 for c in choices.values() if c.status == status)
            for status in GestureStatus.values
        },
        "error_gesture": bound.gesture.pk if bound else None,
        "form": bound.form if bound else None,
        "tick_form": bound.tick_form if bound else None,
    }


@require_GET
@permission_required(CHOOSE, _challenge, visible=VIEW_CHALLENGE)
def gestures(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    context = _page_context(challenge, _registration(request, challenge))
    return TemplateResponse(request, "challenges/gestures/list.html", context)


def _card_response(request: HttpRequest, offered: OfferedGesture, card: Card) -> HttpResponse:
    """The updated card (HTMX), or the whole page again (plain form)."""
    challenge = offered.challenge
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "card": card,
            "challenge": challenge,
            "editable": services.choices_are_open(challenge),
            "can_tick": challenge.starts_on <= timezone.localdate(),
            "form": card.form,
            "tick_form": card.tick_form,
            "oob": True,  # also update the page's live region for screen readers
        }
        return TemplateResponse(request, "challenges/gestures/_card.html", context)
    if card.form.errors or (card.tick_form is not None and card.tick_form.errors):
        context = _page_context(challenge, _registration(request, challenge), bound=card)
        return TemplateResponse(request, "challenges/gestures/list.html", context)
    messages.success(request, card.notice)
    url = reverse("challenges:gestures", args=[challenge.territory.slug, challenge.slug])
    return redirect(f"{url}#geste-{offered.gesture.pk}")


def _current_choice(registration: Registration, gesture: EcoGesture) -> GestureChoice | None:
    return services.household_choices(registration).get(gesture.pk)


@require_POST
@permission_required(CHOOSE, _offered, visible=VIEW_CHALLENGE)
def gesture_choose(request: HttpRequest, offered: OfferedGesture) -> HttpResponse:
    challenge, gesture = offered.challenge, offered.gesture
    registration = _registration(request, challenge)
    form = GestureChoiceForm(request.POST, auto_id=f"g{gesture.pk}-%s")
    notice = ""
    if form.is_valid():
        try:
            services.gesture_choose(
                registration=registration,
                gesture=gesture,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
            notice = _("Choix enregistré pour « %(title)s ».") % {"title": gesture.title}
        except ValidationError as error:
            form.add_error(None, error)
    choice = _current_choice(registration, gesture)
    card = _card(challenge, gesture, choice, form=form if form.errors else None, notice=notice)
    return _card_response(request, offered, card)


@require_POST
@permission_required(CHOOSE, _offered, visible=VIEW_CHALLENGE)
def gesture_tick(request: HttpRequest, offered: OfferedGesture) -> HttpResponse:
    challenge, gesture = offered.challenge, offered.gesture
    registration = _registration(request, challenge)
    tick_form = GestureTickForm(request.POST, challenge=challenge, auto_id=f"g{gesture.pk}-%s")
    notice = ""
    if tick_form.is_valid():
        day = tick_form.cleaned_data["day"]
        try:
            _tick, created = services.gesture_tick(
                registration=registration, gesture=gesture, day=day
            )
            when = date_format(day, "l j F")
            notice = (
                _("Bravo ! « %(title)s » est noté pour le %(day)s.")
                if created
                else _(
                    "« %(title)s » était déjà noté pour le %(day)s : un jour ne compte qu'une fois."
                )
            ) % {"title": gesture.title, "day": when}
        except ValidationError as error:
            tick_form.add_error("day", error)
    card = _card(
        challenge,
        gesture,
        _current_choice(registration, gesture),
        tick_form=tick_form if tick_form.errors else None,
        notice=notice,
    )
    return _card_response(request, offered, card)


# --- Adoption figures ----------------------------------------------------------


def adoption_chart(challenge: Challenge) -> TimeChart:
    weekly = services.adoption_over_time(challenge)
    return TimeChart(
        title=_("Adoption des éco-gestes semaine après semaine"),
        description=_(
            "Nombre cumulé d'engagements (« Je m'engage ») et de gestes cochés par les foyers, "
            "chaque semaine depuis le début du défi, le %(start)s."
        )
        % {"start": date_format(challenge.starts_on, "j F Y")},
        x_labels=[date_format(week, "j N") for week in weekly.weeks],
        series=[
            Series(_("Engagements"), weekly.commitments),
            Series(_("Gestes cochés"), weekly.ticks),
        ],
        y_label=_("Nombre cumulé"),
        x_label=_("Semaine du"),
        chart_id="adoption-ecogestes",
    )


@require_GET
@permission_required("challenges.view_gesture_stats", _challenge, visible=VIEW_CHALLENGE)
def gesture_stats(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    context = {
        "challenge": challenge,
        "territory": challenge.territory,
        "stats": services.gesture_adoption(challenge),
        "chart": adoption_chart(challenge),
    }
    return TemplateResponse(request, "challenges/gestures/stats.html", context)


# --- The territory's catalogue ---------------------------------------------------


@require_GET
@permission_required(EDIT, _territory, visible=VIEW_TERRITORY)
def catalogue(request: HttpRequest, territory: Territory) -> HttpResponse:
    rows = services.territory_gestures(territory)
    context = {
        "territory": territory,
        "groups": services.group_by_theme(Theme.values, rows, lambda row: row[0].theme),
    }
    return TemplateResponse(request, "challenges/gestures/catalogue.html", context)


@permission_required(EDIT, _territory_gesture, visible=VIEW_TERRITORY)
def catalogue_edit(request: HttpRequest, found: TerritoryGesture) -> HttpResponse:
    territory, gesture = found.territory, found.gesture
    own = (
        gesture
        if gesture.territory_id
        else territory.eco_gestures.filter(copied_from=gesture).first()
    )
    source = own or gesture
    initial = {name: getattr(source, name) for name in services.EDITABLE_FIELDS}
    form = EcoGestureForm(request.POST or None, initial=initial, instance=own or EcoGesture())
    if request.method == "POST" and form.is_valid():
        services.ecogesture_edit_for_territory(
            territory=territory, gesture=gesture, data=form.cleaned_data
        )
        done = (
            _(
                "« %(title)s » est désormais la version de votre territoire : elle remplace le "
                "geste du catalogue dans vos défis, et les choix de vos foyers la suivent. Le "
                "catalogue de la plateforme reste inchangé."
            )
            if own is None
            else _("« %(title)s » est modifié pour votre territoire.")
        )
        messages.success(request, done % {"title": form.cleaned_data["title"]})
        return redirect("challenges:catalogue", territory.slug)
    context = {"territory": territory, "gesture": source, "is_catalogue": own is None, "form": form}
    return TemplateResponse(request, "challenges/gestures/catalogue_form.html", context)


@require_POST
@permission_required(EDIT, _territory_gesture, visible=VIEW_TERRITORY)
def catalogue_toggle(request: HttpRequest, found: TerritoryGesture) -> HttpResponse:
    own = services.ecogesture_toggle_for_territory(territory=found.territory, gesture=found.gesture)
    message = (
        _("« %(title)s » est de nouveau proposé aux foyers.")
        if own.is_active
        else _("« %(title)s » n'est plus proposé aux foyers de votre territoire.")
    )
    messages.success(request, message % {"title": own.title})
    return redirect(
        reverse("challenges:catalogue", args=[found.territory.slug]) + f"#geste-{found.gesture.pk}"
    )


@permission_required(EDIT, _territory, visible=VIEW_TERRITORY)
def catalogue_add(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = EcoGestureForm(request.POST or None, instance=EcoGesture())
    if request.method == "POST" and form.is_valid():
        gesture = services.ecogesture_add_for_territory(territory=territory, data=form.cleaned_data)
        messages.success(request, _("« %(title)s » est ajouté.") % {"title": gesture.title})
        return redirect("challenges:catalogue", territory.slug)
    context = {"territory": territory, "gesture": None, "is_catalogue": False, "form": form}
    return TemplateResponse(request, "challenges/gestures/catalogue_form.html", context)


GESTURES = "t/<slug:slug>/defis/<slug:challenge>/eco-gestes/"
CATALOGUE = "t/<slug:slug>/eco-gestes/"

urlpatterns: list[URLPattern] = [
    path(GESTURES, gestures, name="gestures"),
    path(f"{GESTURES}adoption/", gesture_stats, name="gesture_stats"),
    path(f"{GESTURES}<int:pk>/choix/", gesture_choose, name="gesture_choose"),
    path(f"{GESTURES}<int:pk>/fait/", gesture_tick, name="gesture_tick"),
    path(CATALOGUE, catalogue, name="catalogue"),
    path(f"{CATALOGUE}nouveau/", catalogue_add, name="catalogue_add"),
    path(f"{CATALOGUE}<int:pk>/modifier/", catalogue_edit, name="catalogue_edit"),
    path(f"{CATALOGUE}<int:pk>/affichage/", catalogue_toggle, name="catalogue_toggle"),
]
