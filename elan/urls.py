from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from api.urls import api
from elan.health import health

admin.site.site_header = _("Élan — administration")
admin.site.site_title = _("Élan")
admin.site.index_title = _("Back-office de la plateforme")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("territories.urls")),
    path("", include("challenges.urls")),
    path("", include("measures.urls")),
    path("", include("questionnaires.urls")),
    path("", include("events.urls")),
    path("", include("pledges.urls")),
    path("", include("commons.urls")),
    path("", include("reports.urls")),
    path("", include("network.urls")),
    path("compte/", include("accounts.urls")),
    path("", include("accounts.mail_urls")),
    path("compte/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("api-jetons/", include("api.token_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("sante/", health, name="health"),
]


# Only the public uploads (territory logos, partner logos) are served as
# plain files. Everything else under MEDIA_ROOT (challenge kits, later meter
# photos) is served by views that check permissions. Large deployments put
# media on object storage (django-storages), public and private buckets apart.
def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    return serve(request, path, document_root=str(Path(settings.MEDIA_ROOT) / "territories"))


urlpatterns += [path("media/territories/<path:path>", public_media, name="public_media")]
