from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires")

    def ready(self) -> None:
        # The lowest app every module depends on wires, once for all of them,
        # the public-page cache's invalidation and the cheaper choice labels.
        from elan.choices import faster_choice_labels
        from elan.pagecache import connect_signals

        connect_signals()
        faster_choice_labels()
