"""get_FOO_display(): the same labels as Django's, without translating every
choice on every call (elan/choices.py)."""

from __future__ import annotations

from functools import partialmethod
from unittest import mock

from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import trans_real

from elan.choices import choice_label
from network.models import Actor, ActorKind


def _django_label(instance: models.Model, field: models.Field) -> object:  # type: ignore[type-arg]
    return models.Model._get_FIELD_display(instance, field)


def test_every_generated_display_method_is_rebound() -> None:
    generated = models.Model._get_FIELD_display
    for model in apps.get_models(include_auto_created=True):
        for name, attribute in vars(model).items():
            if isinstance(attribute, partialmethod):
                assert attribute.func is not generated, f"{model.__name__}.{name}"
    assert Actor.__dict__["get_kind_display"].func is choice_label


def test_the_labels_are_django_s_in_each_language_and_an_unknown_value_is_itself() -> None:
    field = Actor._meta.get_field("kind")
    for language in ("fr", "en"):
        with translation.override(language):
            for value in [*ActorKind.values, "inconnu", ""]:
                actor = Actor(kind=value)
                assert actor.get_kind_display() == _django_label(actor, field), (language, value)
    with translation.override("fr"):
        assert Actor(kind=ActorKind.EPCI).get_kind_display() == "Intercommunalité"
    with translation.override("en"):
        assert Actor(kind=ActorKind.EPCI).get_kind_display() != "Intercommunalité"


def _translations(call) -> int:  # type: ignore[no-untyped-def]
    """How many messages are translated while `call()` runs."""
    original = trans_real.DjangoTranslation.gettext
    count = 0

    def counted(self, message):  # type: ignore[no-untyped-def]
        nonlocal count
        count += 1
        return original(self, message)

    with mock.patch.object(trans_real.DjangoTranslation, "gettext", counted):
        call()
    return count


def test_a_label_costs_one_translation_not_one_per_choice() -> None:
    field = Actor._meta.get_field("kind")
    actor = Actor(kind=ActorKind.ASSOCIATION)

    def ours() -> None:
        for _index in range(100):
            str(actor.get_kind_display())

    def djangos() -> None:
        for _index in range(100):
            str(_django_label(actor, field))

    with translation.override("en"):
        ours()  # the field's labels kept
        assert _translations(djangos) >= 100 * len(ActorKind.values)  # the cost removed
        assert _translations(ours) <= 100


def test_replaced_choices_are_read_again() -> None:
    field = models.CharField(choices=[("a", "A")], max_length=1)
    field.set_attributes_from_name("lettre")
    holder = mock.Mock(lettre="b")
    assert choice_label(holder, field) == "b"
    field.choices = [("a", "A"), ("b", "B")]
    assert choice_label(holder, field) == "B"
