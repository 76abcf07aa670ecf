"""Measures URLs. Each views module of measures.views declares its own patterns."""

from measures.views import data, entry, meters, results

app_name = "measures"

urlpatterns = [
    *meters.urlpatterns,
    *entry.urlpatterns,
    *data.urlpatterns,
    *results.urlpatterns,
]
