"""Commons URLs, all under /commun/. Each views module declares its own patterns."""

from commons.views import browse, community, curation, exports, resources

app_name = "commons"

urlpatterns = [
    *browse.urlpatterns,
    *curation.urlpatterns,
    *resources.urlpatterns,
    *community.urlpatterns,
    *exports.urlpatterns,
]
