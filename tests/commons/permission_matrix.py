"""Who may open each page of the commons.

Curators (the « Curateurs du commun » group) are no role of the shared
matrix: their rights are tested in tests/commons/test_permissions.py; here a
platform admin stands for them."""

from django.core.files.base import ContentFile

from commons import services
from commons.models import Attachment, Comment
from tests.commons.factories import resource
from tests.matrix import LOGGED_IN, PUBLIC, Spec, statuses
from tests.questionnaires.factories import grid_with_axes

CURATORS = statuses(403, anonymous=302, admin=200)


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (31, 111, 80)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


def published(w):  # type: ignore[no-untyped-def]
    return {"slug": resource(title="Fiche de la matrice").slug}


def draft(w):  # type: ignore[no-untyped-def]
    return {"slug": resource(title="Brouillon de la matrice", status="brouillon").slug}


def a_comment(w):  # type: ignore[no-untyped-def]
    found = resource(title="Fiche commentée")
    comment = Comment.objects.create(resource=found, author=w.users["member"], body="Merci !")
    return {"pk": comment.pk}


def a_path(w):  # type: ignore[no-untyped-def]
    path = services.path_save(
        user=w.users["admin"], title="Parcours de la matrice", intro="", resources=[resource()]
    )
    return {"slug": path.slug}


def an_image(w):  # type: ignore[no-untyped-def]
    found = resource(title="Fiche illustrée")
    image = found.images.create(alt_text="Un composteur", file=ContentFile(PNG, name="i.png"))
    return {"pk": image.pk}


def an_attachment(w):  # type: ignore[no-untyped-def]
    found = resource(title="Fiche avec fichier")
    attachment = Attachment.objects.create(
        resource=found,
        title="Notice",
        file=ContentFile(b"%PDF-1.4 notice", name="n.pdf"),
        content_type="application/pdf",
        size=15,
    )
    return {"pk": attachment.pk}


def grid(w):  # type: ignore[no-untyped-def]
    found = grid_with_axes(territory=w.territory, slug="grille", status="publie")
    return {"slug": w.territory.slug, "questionnaire": found.slug}


MATRIX = {
    "commons:home": Spec(PUBLIC),
    "commons:search": Spec(PUBLIC),
    "commons:paths": Spec(PUBLIC),
    "commons:path": Spec(PUBLIC, a_path),
    "commons:path_create": Spec(CURATORS),
    "commons:path_edit": Spec(CURATORS, a_path),
    "commons:taxonomy": Spec(CURATORS),
    # No body: a curator is told what is missing.
    "commons:taxonomy_change": Spec(statuses(403, anonymous=302, admin=400), method="POST"),
    # The grid's results are the organisers' (and the region's): so are its suggestions.
    "commons:grid_suggestions": Spec(
        statuses(403, organiser=200, coordinator=200, admin=200), grid, anonymous_to_login=False
    ),
    "commons:choose_kind": Spec(LOGGED_IN),
    "commons:create": Spec(LOGGED_IN, lambda w: {"kind": "retour_experience"}),
    # A draft is seen by its author, curators and admins only.
    "commons:detail": Spec(statuses(404, admin=200), draft),
    "commons:edit": Spec(LOGGED_IN, published),
    "commons:history": Spec(PUBLIC, published),
    "commons:compare": Spec(PUBLIC, published),
    # No revision named: a curator is told so (400).
    "commons:revert": Spec(statuses(403, anonymous=302, admin=400), published, method="POST"),
    "commons:adapt": Spec(LOGGED_IN, published),
    "commons:publish": Spec(statuses(403, anonymous=302, admin=302), published, method="POST"),
    "commons:feedback": Spec(LOGGED_IN, published),
    # An empty comment is sent back with its message.
    "commons:comment": Spec(statuses(400, anonymous=302), published, method="POST"),
    "commons:files": Spec(LOGGED_IN, published),
    "commons:report_comment": Spec(statuses(302), a_comment, method="POST"),
    "commons:hide_comment": Spec(statuses(403, anonymous=302, admin=400), a_comment, method="POST"),
    "commons:restore_comment": Spec(CURATORS | {"admin": 302}, a_comment, method="POST"),
    "commons:moderation": Spec(CURATORS),
    "commons:image": Spec(PUBLIC, an_image),
    "commons:attachment": Spec(PUBLIC, an_attachment),
    "commons:pdf": Spec(PUBLIC, published),
    "commons:markdown": Spec(PUBLIC, published),
    "commons:jsonld": Spec(PUBLIC, published),
    "commons:dump_json": Spec(PUBLIC),
    "commons:dump_csv": Spec(PUBLIC),
    "commons:dump_licence": Spec(PUBLIC),
}
