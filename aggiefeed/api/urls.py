from django.urls import URLPattern, URLResolver, path

from aggiefeed.api import views

app_name = "aggiefeed-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("activity", views.ActivityCollectionApi.as_view(), name="activity-collection"),
    path("activity/public", views.ActivityPublicApi.as_view(), name="activity-public"),
    path("activity/<str:object_id>", views.ActivityItemApi.as_view(), name="activity-item"),
    path("activity/<str:object_id>/approve", views.ActivityApproveApi.as_view(), name="activity-approve"),
    path("activity/<str:object_id>/reject", views.ActivityRejectApi.as_view(), name="activity-reject"),
    path("activity/<str:object_id>/unpublish", views.ActivityUnpublishApi.as_view(), name="activity-unpublish"),
]
