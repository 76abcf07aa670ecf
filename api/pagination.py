"""The one paginator of the API: numbered pages whose bounds are checked
before the database is asked, so that no page number reaches SQL as an
offset it cannot hold (`page=99999999999999999999` used to be a 500)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class Pages(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Numéro de la page, à partir de 1.")
        page_size: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Éléments par page ({PAGE_SIZE} par défaut, {MAX_PAGE_SIZE} au plus).",
        )

    def __init__(self, page_size: int = PAGE_SIZE, **kwargs: Any) -> None:
        self.page_size = page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        size = pagination.page_size or self.page_size
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * size
        if pagination.page > 1 and offset >= count:
            check_page(pagination.page, count=count, size=size)
        return {self.items_attribute: queryset[offset : offset + size], "count": count}


def check_page(page: int, *, count: int, size: int) -> None:
    """For an endpoint that pages itself (a search with facets): the same
    404, in the same words, as the shared paginator."""
    if page > 1 and (page - 1) * size >= count:
        raise HttpError(404, _page_missing(page, -(-count // size)))


def self_paginated(view: Any) -> Any:
    """Marks a view that pages with `check_page`, so the paging tests find it."""
    view._elan_self_paginated = True
    return view


def _page_missing(page: int, last: int) -> str:
    if last == 0:
        return _("La page %(page)s n'existe pas : la liste est vide.") % {"page": page}
    return ngettext(
        "La page %(page)s n'existe pas : la liste compte %(last)s page.",
        "La page %(page)s n'existe pas : la liste compte %(last)s pages.",
        last,
    ) % {"page": page, "last": last}
