from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", views.profile, name="profile"),
    path("foyer/", views.household, name="household"),
    path("foyer/inviter/", views.household_invite, name="household_invite"),
    path("foyer/rejoindre/<str:token>/", views.household_join, name="household_join"),
    path("foyer/quitter/", views.household_leave, name="household_leave"),
    path("donnees/", views.privacy, name="privacy"),
    path("donnees/export/", views.export, name="export"),
    path("donnees/supprimer/", views.erase, name="erase"),
    path(
        "donnees/consentements/<int:pk>/retirer/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
