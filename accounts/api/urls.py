from django.urls import URLPattern, URLResolver

app_name = "accounts-api"
urlpatterns: list[URLPattern | URLResolver] = []
