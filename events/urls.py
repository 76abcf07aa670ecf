"""Event URLs: a territory's agenda under /t/<territory>/agenda/, the personal
pages under /compte/evenements/. Each views module declares its own patterns."""

from events.views import agenda, ical, manage, register

app_name = "events"

urlpatterns = [
    *agenda.urlpatterns,
    *ical.urlpatterns,
    *manage.urlpatterns,
    *register.urlpatterns,
]
