"""The shared form fields (elan/forms.py)."""

from __future__ import annotations

import pytest

from elan.forms import ModelMultipleChoiceField
from territories.models import Territory
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["1" + "0" * 30, "-" + "9" * 25, str(2**63)])
def test_a_key_no_database_can_hold_is_an_invalid_choice(value) -> None:
    field = ModelMultipleChoiceField(queryset=Territory.objects.all())
    with pytest.raises(Exception, match="valide") as raised:
        field.clean([value])
    assert raised.type.__name__ == "ValidationError"


def test_real_keys_still_select() -> None:
    territory = TerritoryFactory()
    field = ModelMultipleChoiceField(queryset=Territory.objects.all())
    assert list(field.clean([str(territory.pk)])) == [territory]
