from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Engagements réciproques")

    def ready(self) -> None:
        from pledges import rgpd

        rgpd.register()
