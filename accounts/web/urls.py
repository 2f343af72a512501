from django.urls import URLPattern, URLResolver

app_name = "accounts-web"
urlpatterns: list[URLPattern | URLResolver] = []
