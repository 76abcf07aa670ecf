from reports.comparison_views import urlpatterns as comparison_urls
from reports.dashboard_views import urlpatterns as dashboard_urls
from reports.opendata_views import urlpatterns as opendata_urls
from reports.views import urlpatterns as report_urls

app_name = "reports"
urlpatterns = [*report_urls, *comparison_urls, *opendata_urls, *dashboard_urls]

__all__ = ["app_name", "urlpatterns"]
