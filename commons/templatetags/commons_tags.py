"""Template filters of the commons."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from commons import markdown as md

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return md.render(text)


@register.filter
def field_of(resource: Any, name: str) -> Any:
    return getattr(resource, name, "")
