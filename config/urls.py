"""Root URL configuration.

Pryv channel ids live at the root of the URL space (``/{channel}/events``), so the channels routes come
last and every other first path segment here is a reserved channel id (channels reads them from this
configuration).
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from config import views
from config.observability import metrics_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("api/v1/", include("aggiefeed.api.urls")),
    path("ocs/", include("activities.api.urls")),
    path("feeds/", include("activities.feed_urls")),
    path("wopi/", include("wopi.api.urls")),
    path("", include("accounts.web.urls")),
    path("", include("accounts.api.urls")),
    path("", include("channels.api.urls")),
]
