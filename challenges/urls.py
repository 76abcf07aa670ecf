"""Challenge URLs, under /t/<territory>/defis/. Each views module of this
package declares its own patterns."""

from challenges.views import challenge, gestures, registration, teams

app_name = "challenges"

urlpatterns = [
    *challenge.urlpatterns,
    *registration.urlpatterns,
    *teams.urlpatterns,
    *gestures.urlpatterns,
]
