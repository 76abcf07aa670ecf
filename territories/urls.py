from django.urls import path

from territories import views

app_name = "territories"

urlpatterns = [
    path("", views.home, name="home"),
    path("territoires/", views.territory_list, name="list"),
    path("t/<slug:slug>/", views.territory_detail, name="detail"),
    path("t/<slug:slug>/animation/", views.territory_dashboard, name="dashboard"),
    path("t/<slug:slug>/modifier/", views.territory_edit, name="edit"),
    path("t/<slug:slug>/partenaires/", views.partner_list, name="partners"),
    path("t/<slug:slug>/partenaires/<int:pk>/", views.partner_edit, name="partner_edit"),
    path(
        "t/<slug:slug>/partenaires/<int:pk>/supprimer/", views.partner_delete, name="partner_delete"
    ),
    path("t/<slug:slug>/roles/", views.role_list, name="roles"),
    path("t/<slug:slug>/roles/<int:pk>/supprimer/", views.role_delete, name="role_delete"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("communes/recherche/", views.commune_search, name="commune_search"),
]
