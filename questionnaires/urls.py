"""Questionnaire URLs, under /t/<territory>/questionnaires/. Each views module
of this package declares its own patterns."""

from questionnaires.views import builder, respond, results

app_name = "questionnaires"

urlpatterns = [
    *builder.urlpatterns,
    *respond.urlpatterns,
    *results.urlpatterns,
]
