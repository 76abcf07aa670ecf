from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Engagements réciproques")

    def ready(self) -> None:
        from accounts import mail
        from pledges import rgpd
        from pledges.tasks import NEWS_SCOPE_PREFIX

        rgpd.register()
        mail.register_scope(NEWS_SCOPE_PREFIX, _news_label)
        # A commitment renews its own territory's pages only (elan/pagecache.py).
        from elan.pagecache import scoped_to_territory

        scoped_to_territory("pledges.Commitment", "campaign.territory.slug")
        scoped_to_territory("pledges.CommuneTally", "campaign.territory.slug")


def _news_label(scope: str) -> str:
    from pledges.models import Campaign

    pk = scope.rpartition(":")[2]
    campaigns = Campaign.objects.filter(pk=int(pk) if pk.isascii() and pk.isdigit() else 0)
    title = campaigns.values_list("title", flat=True).first()
    if title is None:
        return gettext("les nouvelles d'une campagne d'engagement")
    return gettext("les nouvelles de la campagne « %(title)s »") % {"title": title}
