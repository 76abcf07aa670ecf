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
        # A registration renews its own territory's pages only (elan/pagecache.py).
        from elan.pagecache import scoped_to_territory

        scoped_to_territory("events.EventRegistration", "event.territory.slug")
        mail.register_scope(
            REMINDER_SCOPE,
            lambda scope: gettext("les rappels des événements où vous êtes inscrit·e"),
        )
