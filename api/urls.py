from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api import (
    challenges,
    commons,
    events,
    measures,
    network,
    network_campaigns,
    pledges,
    questionnaires,
    registrations,
    reports,
    results,
    teams,
)
from api.routes import router

api = NinjaAPI(
    title="Élan API",
    version="1",
    urls_namespace="api",
    description=(
        "API de la plateforme Élan. Les lectures publiques (territoires, communes) sont ouvertes ; "
        "les autres demandent un jeton personnel (`Authorization: Bearer elan_…`), "
        "créé par les animateur·rices depuis leur espace."
    ),
)
api.add_router("/", router)
api.add_router("/", challenges.router)
api.add_router("/", registrations.router)
api.add_router("/", teams.router)
api.add_router("/", results.router)
api.add_router("/", measures.router)
api.add_router("/", questionnaires.router)
api.add_router("/", events.router)
api.add_router("/", pledges.router)
api.add_router("/", network.router)
api.add_router("/", network_campaigns.router)
api.add_router("/", commons.router)
api.add_router("/", reports.router)


# Pydantic words its refusals in English: the usual ones, said in French.
FRENCH_ERRORS = {
    "int_parsing": _("Un nombre entier est attendu."),
    "int_type": _("Un nombre entier est attendu."),
    "int_from_float": _("Un nombre entier est attendu."),
    "greater_than_equal": _("La valeur doit être supérieure ou égale à %(ge)s."),
    "less_than_equal": _("La valeur doit être inférieure ou égale à %(le)s."),
    "missing": _("Ce champ est obligatoire."),
}


def _french(err: dict[str, Any]) -> str:
    template = FRENCH_ERRORS.get(err.get("type", ""))
    if template is None:
        return str(err.get("msg", ""))
    return str(template) % err.get("ctx", {})


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"champ": ".".join(str(p) for p in err.get("loc", [])), "message": _french(err)}
        for err in exc.errors
    ]
    return api.create_response(
        request,
        {"message": "Requête invalide : vérifiez les paramètres signalés.", "erreurs": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"message": "Authentification requise : jeton absent, invalide ou révoqué."},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"message": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"message": "Ressource introuvable."}, status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"message": "Vous n'avez pas accès à cette ressource."}, status=403
    )
