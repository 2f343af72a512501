from django.urls import URLPattern, URLResolver, path

from activities.feeds import StreamFeed

app_name = "activities-feed"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:secret>", StreamFeed(), name="feed"),
]
