from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires")

    def ready(self) -> None:
        # The lowest app every module depends on wires the public-page cache's
        # invalidation once for all of them.
        from elan.pagecache import connect_signals

        connect_signals()
