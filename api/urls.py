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
from api.schemas import ErrorOut

ERROR_BODY = {"$ref": "#/components/schemas/ErrorOut"}
VALIDATION_BODY = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "erreurs": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"champ": {"type": "string"}, "message": {"type": "string"}},
                "required": ["champ", "message"],
            },
        },
    },
    "required": ["message"],
}


def _answer(description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": body}}}


class ElanAPI(NinjaAPI):
    """Documents the answers the shared handlers below give to every operation:
    422 for any input that fails validation, 400 for a NUL character in it
    (elan.middleware), 404 for a page past the end of a
    paged list or an unknown object in the path, 401/403 where a token is asked.
    Schemathesis (tests/api/test_schemathesis.py) found them undocumented."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {}).setdefault(
            "ErrorOut", ErrorOut.model_json_schema()
        )
        for operations in schema["paths"].values():
            for operation in operations.values():
                _document_shared_errors(operation)
        return schema


def _document_shared_errors(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    names = {p["name"] for p in operation.get("parameters", [])}
    in_path = any(p["in"] == "path" for p in operation.get("parameters", []))
    added: dict[int, dict[str, Any]] = {}
    if names or "requestBody" in operation:
        added[422] = _answer("Requête invalide", VALIDATION_BODY)
        # elan.middleware.RejectNullCharactersMiddleware, before any lookup.
        added[400] = _answer("Caractère nul dans l'adresse, la requête ou le corps", ERROR_BODY)
    if "page" in names or in_path:
        added[404] = _answer("Introuvable", ERROR_BODY)
    if operation.get("security"):
        added[401] = _answer("Authentification requise", ERROR_BODY)
        if in_path:
            added[403] = _answer("Accès refusé", ERROR_BODY)
    for code, answer in added.items():
        if code not in responses and str(code) not in responses:
            responses[code] = answer


api = ElanAPI(
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
