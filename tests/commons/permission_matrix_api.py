"""Who may call the commons API. Reads are open data; writes need an account
(a token or the session). The matrix sends no body: a signed-in caller gets
400 (the body is missing), an anonymous one 401."""

from tests.commons.factories import resource
from tests.matrix import PUBLIC, Spec, statuses

WRITE = statuses(400, anonymous=401)


def published(w):  # type: ignore[no-untyped-def]
    return {"slug": resource(title="Fiche de l'API").slug}


def draft(w):  # type: ignore[no-untyped-def]
    return {"slug": resource(title="Brouillon de l'API", status="brouillon").slug}


MATRIX = {
    "api:resource_list": Spec(PUBLIC),
    "api:resource_detail": Spec(statuses(404, admin=200), draft, anonymous_to_login=False),
    "api:resource_revisions": Spec(PUBLIC, published),
    "api:resource_diff": Spec(PUBLIC, published),
    "api:resource_feedback": Spec(PUBLIC, published),
    "api:resource_create": Spec(WRITE, method="POST", anonymous_to_login=False),
    # PATCH only; the matrix's GET on the same address reads the resource.
    "api:resource_edit": Spec(PUBLIC, published),
    "api:resource_feedback_give": Spec(WRITE, published, method="POST", anonymous_to_login=False),
}
