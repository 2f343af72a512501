from django.urls import URLPattern, URLResolver

app_name = "activities-feed"
urlpatterns: list[URLPattern | URLResolver] = []
