from django.urls import URLPattern, URLResolver, path

from activities.feeds import StreamFeedApi

app_name = "activities-feed"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:secret>", StreamFeedApi.as_view(), name="feed"),
]
