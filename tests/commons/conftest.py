import pytest

from tests.commons.factories import curator as make_curator


@pytest.fixture
def curator(db):  # type: ignore[no-untyped-def]
    return make_curator(email="curatrice@example.org", display_name="Curatrice")
