"""Élan's URLs plus a minimal view: the yardstick of the throughput benchmarks
(the same middleware stack, no template, no database). It comes last, so that
resolving its URL walks every pattern, as the deepest of Élan's pages do."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from elan.urls import urlpatterns as elan_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")


urlpatterns: list[URLPattern | URLResolver] = [
    *elan_urlpatterns,
    path("bench/minimal/", minimal, name="bench_minimal"),
]
