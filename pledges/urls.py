"""Pledge campaign URLs: a territory's campaigns under /t/<territory>/engagements/,
the personal links under /engagement/, the widget under /widget/. Each views
module of this package declares its own patterns."""

from pledges.views import commit, field, manage, public, reports, sponsor, widget

app_name = "pledges"

urlpatterns = [
    *manage.urlpatterns,
    *public.urlpatterns,
    *commit.urlpatterns,
    *field.urlpatterns,
    *reports.urlpatterns,
    *sponsor.urlpatterns,
    *widget.urlpatterns,
]
