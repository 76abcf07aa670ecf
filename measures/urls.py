from django.urls import path

from measures import views, views_data, views_entry, views_results

app_name = "measures"

urlpatterns = [
    path("compte/foyer/compteurs/", views.meter_list, name="meters"),
    path("compte/foyer/compteurs/<int:pk>/", views.meter_edit, name="meter_edit"),
    path("compte/foyer/compteurs/<int:pk>/supprimer/", views.meter_delete, name="meter_delete"),
    *views_entry.urlpatterns,
    *views_data.urlpatterns,
    *views_results.urlpatterns,
]
