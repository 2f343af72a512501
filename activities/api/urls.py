from django.urls import URLPattern, URLResolver

app_name = "activities-api"
urlpatterns: list[URLPattern | URLResolver] = []
