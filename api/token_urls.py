from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/revoquer/", views.token_revoke_view, name="revoke"),
]
