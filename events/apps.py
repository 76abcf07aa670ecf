from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Événements")

    def ready(self) -> None:
        from accounts import mail
        from events import rgpd
        from events.tasks import REMINDER_SCOPE

        rgpd.register_events()
        mail.register_scope(
            REMINDER_SCOPE,
            lambda scope: gettext("les rappels des événements où vous êtes inscrit·e"),
        )
