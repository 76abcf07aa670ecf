from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes et foyers")

    def ready(self) -> None:
        from accounts import rgpd

        rgpd.register_accounts()
