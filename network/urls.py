"""Network URLs: a territory's network under /t/<territory>/reseau/ (the
public directory and form; the organisers' pages under gerer/ and acteurs/),
the confirmation link and the contacts' own page under /reseau/. Each views
module declares its own patterns."""

from network.views import (
    actor,
    campaigns,
    imports,
    indicators,
    manage,
    meetings,
    newsletters,
    public,
    requests,
)

app_name = "network"

urlpatterns = [
    *public.urlpatterns,
    *manage.urlpatterns,
    *requests.urlpatterns,
    *actor.urlpatterns,
    *imports.urlpatterns,
    *meetings.urlpatterns,
    *campaigns.urlpatterns,
    *newsletters.urlpatterns,
    *indicators.urlpatterns,
]
