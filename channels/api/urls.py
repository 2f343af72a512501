from django.urls import URLPattern, URLResolver

app_name = "channels-api"
urlpatterns: list[URLPattern | URLResolver] = []
