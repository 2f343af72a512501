from django.urls import path

from accounts.web import views

app_name = "accounts-web"
urlpatterns = [
    path("", views.login_page, name="login"),
    path("account/", views.account_page, name="account"),
    path("account/user-info", views.user_info_edit, name="user-info"),
    path("account/password", views.password_edit, name="password"),
    path("account/channels", views.channel_add, name="channel-add"),
    path("account/channels/remove", views.channel_remove, name="channel-remove"),
    path("account/channels/restore", views.channel_restore, name="channel-restore"),
    path("account/tokens", views.token_add, name="token-add"),
    path("account/tokens/revoke", views.token_revoke, name="token-revoke"),
    path("account/app-passwords", views.app_password_add, name="app-password-add"),
    path("account/app-passwords/revoke", views.app_password_remove, name="app-password-revoke"),
    path("account/feed", views.feed_reset, name="feed-reset"),
    path("account/logout", views.logout_page, name="logout"),
]
