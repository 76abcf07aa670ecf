from tests.matrix import PUBLIC, Spec, statuses

ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
ORGANISER_POST = statuses(403, anonymous=302, organiser=302, admin=302)


def slug(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


MATRIX = {
    "territories:home": Spec(PUBLIC),
    "territories:list": Spec(PUBLIC),
    "territories:detail": Spec(PUBLIC, slug),
    "territories:dashboard": Spec(
        statuses(403, anonymous=302, organiser=200, coordinator=200, admin=200), slug
    ),
    "territories:edit": Spec(ORGANISER, slug),
    "territories:partners": Spec(ORGANISER, slug),
    "territories:partner_edit": Spec(
        ORGANISER, lambda w: {"slug": w.territory.slug, "pk": w.partner.pk}
    ),
    "territories:partner_delete": Spec(
        ORGANISER_POST, lambda w: {"slug": w.territory.slug, "pk": w.partner.pk}, method="POST"
    ),
    "territories:roles": Spec(ORGANISER, slug),
    "territories:role_delete": Spec(
        ORGANISER_POST, lambda w: {"slug": w.territory.slug, "pk": w.membership.pk}, method="POST"
    ),
    "territories:region": Spec(
        statuses(403, anonymous=302, coordinator=200, admin=200),
        lambda w: {"code": w.territory.region_id},
    ),
    "territories:commune_search": Spec(PUBLIC),
}
