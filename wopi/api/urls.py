from django.urls import URLPattern, URLResolver, path

from wopi import web
from wopi.api import views

app_name = "wopi-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("files/<str:file_id>", views.FileApi.as_view(), name="file"),
    path("files/<str:file_id>/contents", views.FileContentsApi.as_view(), name="file-contents"),
    path("files/<str:file_id>/activities", views.FileActivitiesApi.as_view(), name="file-activities"),
    # The host page that embeds the WOPI client (a browser page, not API): config mounts this module at /wopi/.
    path("open/<str:file_id>", web.file_open_page, name="file-open"),
]
