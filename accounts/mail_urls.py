"""Unsubscribe links, at the site's root: /desabonnement/<token>/."""

from django.urls import path

from accounts import mail_views

app_name = "mail"

urlpatterns = [
    path("desabonnement/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
    path(
        "desabonnement/<str:token>/confirmer/",
        mail_views.unsubscribe_confirm,
        name="unsubscribe_confirm",
    ),
    path("desabonnement/<str:token>/reabonner/", mail_views.resubscribe, name="resubscribe"),
]
