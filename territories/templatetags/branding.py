from __future__ import annotations

from django import template

register = template.Library()


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@register.filter
def accent_ink(hex_colour: str) -> str:
    """Black or white, whichever reads better on the organiser's accent colour."""
    try:
        lum = _luminance(hex_colour)
    except (ValueError, TypeError, IndexError):
        return "#ffffff"
    contrast_white = 1.05 / (lum + 0.05)
    contrast_black = (lum + 0.05) / 0.05
    return "#ffffff" if contrast_white >= contrast_black else "#1b1f23"
