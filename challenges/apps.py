from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = _("Défis")

    def ready(self) -> None:
        from accounts import mail
        from challenges import rgpd
        from challenges.tasks import DATA_REMINDER_SCOPE

        rgpd.register_challenges()
        mail.register_scope(
            DATA_REMINDER_SCOPE,
            lambda scope: gettext(
                "les rappels de saisie de vos relevés et pesées (ceux du défi et ceux de votre capitaine)"
            ),
        )
