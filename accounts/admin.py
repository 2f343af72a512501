from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.models import AccessToken, AccessTokenCredential, AppPassword, TokenPermission, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "email", "display_name", "language", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "language")
    search_fields = ("username", "email", "display_name", "first_name", "last_name")
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("Profile", {"fields": ("display_name", "language")}))


class TokenPermissionInline(admin.TabularInline[TokenPermission, AccessToken]):
    model = TokenPermission
    extra = 0


class CredentialInline(admin.TabularInline[AccessTokenCredential, AccessToken]):
    model = AccessTokenCredential
    extra = 0
    fields = ("secret_hash", "created")
    readonly_fields = ("secret_hash", "created")
    can_delete = True

    def has_add_permission(self, request: HttpRequest, obj: AccessToken | None = None) -> bool:
        return False  # a credential is minted by the service and shown once to its owner


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin[AccessToken]):
    list_display = ("name", "user", "kind", "created", "modified")
    list_filter = ("kind",)
    search_fields = ("name", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    inlines = [TokenPermissionInline, CredentialInline]


@admin.register(AppPassword)
class AppPasswordAdmin(admin.ModelAdmin[AppPassword]):
    list_display = ("name", "user", "created", "last_used")
    search_fields = ("name", "user__username")
    list_select_related = ("user",)
    readonly_fields = ("secret_hash",)
    raw_id_fields = ("user",)
