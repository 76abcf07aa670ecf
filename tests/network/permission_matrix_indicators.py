"""Who may read the network's dashboard of indicators and download its
tables: the territory's organisers and the region's coordinators (figures,
no people), platform admins."""

from tests.matrix import Spec, statuses

READERS = statuses(403, anonymous=302, organiser=200, coordinator=200, admin=200)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


MATRIX = {
    "network:indicators": Spec(READERS, territory),
    "network:indicators_export": Spec(READERS, territory, data={"tableau": "membres"}),
}
