from api.services import token_create
from tests.matrix import PUBLIC, Spec, statuses

TOKENS = statuses(403, anonymous=302, organiser=200, other_organiser=200, admin=200)


def organiser_token(w):  # type: ignore[no-untyped-def]
    token, _raw = token_create(user=w.users["organiser"], name="Tableur")
    return {"pk": token.pk}


MATRIX = {
    "api_tokens:list": Spec(TOKENS),
    # Someone else's token is not found, even for an admin.
    "api_tokens:revoke": Spec(
        statuses(404, anonymous=302, member=403, captain=403, coordinator=403, organiser=302),
        organiser_token,
        method="POST",
    ),
    "api:openapi-json": Spec(PUBLIC),
    "api:openapi-view": Spec(PUBLIC),
    "api:territory_list": Spec(PUBLIC),
    "api:territory_detail": Spec(PUBLIC, lambda w: {"slug": w.territory.slug}),
    "api:territory_roles": Spec(
        statuses(403, anonymous=401, organiser=200, admin=200),
        lambda w: {"slug": w.territory.slug},
        anonymous_to_login=False,
    ),
    "api:commune_search": Spec(PUBLIC),
    "api:api-root": Spec(statuses(404), anonymous_to_login=False),
    "api:me": Spec(statuses(200, anonymous=401), anonymous_to_login=False),
}
