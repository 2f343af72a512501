from django.urls import URLPattern, URLResolver

app_name = "aggiefeed-api"
urlpatterns: list[URLPattern | URLResolver] = []
