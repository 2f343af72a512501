"""Routes of the Pryv activity API. Channel ids are the first path segment, so these come last in the
project's URL configuration, and a final catch-all answers unrouted paths with ``UNKNOWN_RESOURCE``.
"""

from django.urls import path, re_path

from channels.api import views

app_name = "channels-api"
urlpatterns = [
    path("channels", views.ChannelListApi.as_view(), name="channel-list"),
    path("channels/<str:channel_id>", views.ChannelDetailApi.as_view(), name="channel-detail"),
    path("<str:channel_id>/folders", views.FolderListApi.as_view(), name="folder-list"),
    path("<str:channel_id>/folders/<str:folder_id>", views.FolderDetailApi.as_view(), name="folder-detail"),
    path("<str:channel_id>/folders/<str:folder_id>/move", views.FolderMoveApi.as_view(), name="folder-move"),
    path("<str:channel_id>/events", views.EventListApi.as_view(), name="event-list"),
    path("<str:channel_id>/events/start", views.EventStartApi.as_view(), name="event-start"),
    path("<str:channel_id>/events/stop", views.EventStopApi.as_view(), name="event-stop"),
    path("<str:channel_id>/events/running", views.EventRunningApi.as_view(), name="event-running"),
    path("<str:channel_id>/events/batch", views.EventBatchApi.as_view(), name="event-batch"),
    path("<str:channel_id>/events/<str:event_id>", views.EventDetailApi.as_view(), name="event-detail"),
    path(
        "<str:channel_id>/events/<str:event_id>/<str:file_name>",
        views.AttachmentApi.as_view(),
        name="attachment-detail",
    ),
    re_path(r"^(?P<path>.*)$", views.unknown_resource, name="unknown-resource"),
]
