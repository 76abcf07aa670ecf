from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Réseau d'acteurs")

    def ready(self) -> None:
        from accounts.mail import register_scope
        from network import meetings, newsletters, rgpd
        from network.tasks import DIGEST_SCOPE

        rgpd.register()
        meetings.register_scopes()
        newsletters.register_scopes()
        register_scope(
            DIGEST_SCOPE,
            lambda scope: str(
                _("le récapitulatif hebdomadaire des membres du réseau à recontacter")
            ),
        )
