from django.urls import URLPattern, URLResolver

app_name = "wopi-api"
urlpatterns: list[URLPattern | URLResolver] = []
