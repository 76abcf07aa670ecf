from django.urls import path

from territories import views

app_name = "territories"

urlpatterns = [
    path("", views.home, name="home"),
    path("territoires/", views.territory_list, name="list"),
]
