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
        # A write renews its own territory's pages only (elan/pagecache.py).
        from elan.pagecache import scoped_to_territory

        for model in ("Actor", "JoinRequest", "CampaignWeek", "Newsletter"):
            scoped_to_territory(f"network.{model}", "territory.slug")
        for model in ("ContactLog", "Membership"):
            scoped_to_territory(f"network.{model}", "actor.territory.slug")
        meetings.register_scopes()
        newsletters.register_scopes()
        register_scope(
            DIGEST_SCOPE,
            lambda scope: str(
                _("le récapitulatif hebdomadaire des membres du réseau à recontacter")
            ),
        )
