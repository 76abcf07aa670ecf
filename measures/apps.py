from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Mesures")

    def ready(self) -> None:
        from elan.pagecache import published_through_snapshots, scoped_to_territory
        from measures import rgpd, signals
        from measures.results.cache import precompute_enabled

        signals.connect()
        rgpd.register_measures()
        # Public pages show a challenge's results snapshot, not the households'
        # data: with precomputed results, the snapshot's save refreshes them.
        for model in ("Meter", "Reading", "Weighing", "Bill"):
            published_through_snapshots(f"measures.{model}", when=precompute_enabled)
        # …and a challenge's snapshot renews its own territory's pages only.
        scoped_to_territory("measures.ResultSnapshot", "challenge.territory.slug")
