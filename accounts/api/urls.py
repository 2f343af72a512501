from django.urls import path, re_path

from accounts.api import views

app_name = "accounts-api"
urlpatterns = [
    path("login", views.LoginApi.as_view(), name="session-login"),
    path("logout", views.LogoutApi.as_view(), name="session-logout"),
    path("user-info", views.UserInfoApi.as_view(), name="user-info"),
    path("change-password", views.PasswordChangeApi.as_view(), name="password-change"),
    path("tokens", views.TokenListApi.as_view(), name="token-list"),
    # Any ref, newlines included, so that a ref no token can have gets the token endpoints' own answer.
    re_path(r"^tokens/(?P<ref>(?s:.+))$", views.TokenDetailApi.as_view(), name="token-detail"),
]
