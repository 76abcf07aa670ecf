"""elan.forms.QuickSelect renders what Django's Select renders, faster."""

from __future__ import annotations

import re

import pytest
from django import forms

from elan.forms import QuickSelect


def _normal(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


CHOICES = [("", "— choisir —"), (1, "Crest & Die"), (2, '<script>"x"</script>'), (3, "Été")]


@pytest.mark.parametrize("value", [None, "", 1, "2", 99, [3]])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_foyer", "required": True, "aria-invalid": "true", "hidden": False}]
)
def test_it_renders_the_same_markup_as_django(value, attrs) -> None:
    quick = QuickSelect(choices=CHOICES).render("foyer", value, attrs)
    django = forms.Select(choices=CHOICES).render("foyer", value, attrs)
    assert _normal(quick) == _normal(django)
    assert "<script>" not in quick


def test_grouped_choices_fall_back_to_django() -> None:
    grouped = [("Drôme", [(1, "Crest"), (2, "Die")]), (3, "Valence")]
    quick = QuickSelect(choices=grouped).render("commune", 2)
    assert _normal(quick) == _normal(forms.Select(choices=grouped).render("commune", 2))


def test_a_bound_field_renders_its_errors_attributes() -> None:
    class Form(forms.Form):
        foyer = forms.TypedChoiceField(choices=CHOICES, coerce=int, widget=QuickSelect)

    form = Form({"foyer": "7"})
    assert not form.is_valid()
    html = str(form["foyer"])
    assert 'aria-invalid="true"' in html
    assert 'id="id_foyer"' in html
    assert "required" in html
