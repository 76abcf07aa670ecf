"""Markdown of the commons, rendered by markdown-it-py and sanitised by nh3.

Raw HTML is not interpreted (it comes out as text), markdown-it refuses
`javascript:`, `vbscript:`, `file:` and `data:` links, and nh3 keeps only the
tags and URL schemes listed below, whatever slipped through. Headings move
one level down: a resource's page has its own <h1>.
"""

from __future__ import annotations

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def _html(text: str) -> str:
    tokens = _md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return _md.renderer.render(tokens, _md.options, {})


def render(text: str) -> SafeString:
    """Safe HTML of a Markdown text."""
    cleaned = nh3.clean(
        _html(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def plain(text: str) -> str:
    """The words of a Markdown text, without markup (for search and snippets)."""
    stripped = nh3.clean(_html(text), tags=set())
    return " ".join(html.unescape(stripped).split())
