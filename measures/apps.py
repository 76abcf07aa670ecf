from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Mesures")

    def ready(self) -> None:
        from measures import rgpd, signals

        signals.connect()
        rgpd.register_measures()
