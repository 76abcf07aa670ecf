from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "commons"
    verbose_name = _("Commun de ressources")

    def ready(self) -> None:
        from commons import rgpd

        rgpd.register_commons()
