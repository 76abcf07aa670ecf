from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from api.urls import api

admin.site.site_header = _("Élan — administration")
admin.site.site_title = _("Élan")
admin.site.index_title = _("Back-office de la plateforme")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("territories.urls")),
    path("", include("challenges.urls")),
    path("", include("measures.urls")),
    path("compte/", include("accounts.urls")),
    path("compte/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("api-jetons/", include("api.token_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploads here are public (logos, partner logos). Private files (photos of
# meters, documents) are served by views that check permissions; large
# deployments put media on object storage (django-storages) instead.
urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
