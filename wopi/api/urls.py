from django.urls import URLPattern, URLResolver, path

from wopi.api import views

app_name = "wopi-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("files/<str:file_id>", views.FileApi.as_view(), name="file"),
    path("files/<str:file_id>/contents", views.FileContentsApi.as_view(), name="file-contents"),
    path("files/<str:file_id>/activities", views.FileActivitiesApi.as_view(), name="file-activities"),
]
