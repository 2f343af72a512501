from django.urls import path

from accounts.api import views

app_name = "accounts-api"
urlpatterns = [
    path("login", views.LoginApi.as_view(), name="session-login"),
    path("logout", views.LogoutApi.as_view(), name="session-logout"),
    path("user-info", views.UserInfoApi.as_view(), name="user-info"),
    path("change-password", views.PasswordChangeApi.as_view(), name="password-change"),
    path("tokens", views.TokenListApi.as_view(), name="token-list"),
    path("tokens/<path:ref>", views.TokenDetailApi.as_view(), name="token-detail"),
]
