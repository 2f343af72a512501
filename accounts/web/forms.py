"""Forms of the browser login and administration pages."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.languages import ISO_639_1
from accounts.models import AccessToken, TokenPermission
from accounts.validators import validate_no_control_characters

LANGUAGES = sorted(ISO_639_1)


class LoginForm(forms.Form):
    username = forms.CharField(
        label="User name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="Password",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class UserInfoForm(forms.Form):
    email = forms.EmailField(label="Email", required=False, max_length=254)
    display_name = forms.CharField(
        label="Display name", required=False, max_length=255, validators=[validate_no_control_characters]
    )
    language = forms.ChoiceField(label="Language (ISO 639-1)", choices=[(code, code) for code in LANGUAGES])


class PasswordForm(forms.Form):
    old_password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ChannelForm(forms.Form):
    name = forms.CharField(label="Channel name", max_length=255)


class ChannelRefForm(forms.Form):
    ident = forms.CharField(max_length=100)


class TokenForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=255, validators=[validate_no_control_characters])
    kind = forms.ChoiceField(label="Type", choices=AccessToken.Kind.choices, initial=AccessToken.Kind.SHARED)
    channel = forms.RegexField(
        label="Channel (id, or * for all)", regex=r"^(\*|[a-zA-Z0-9._-]{1,100})$", required=False, initial="*"
    )
    level = forms.ChoiceField(label="Level", choices=TokenPermission.Level.choices, initial=TokenPermission.Level.READ)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == AccessToken.Kind.SHARED and not data.get("channel"):
            self.add_error("channel", "A shared token needs a channel (or * for all).")
        return data


class TokenRefForm(forms.Form):
    name = forms.CharField(max_length=255)


class AppPasswordForm(forms.Form):
    name = forms.CharField(label="App password name", max_length=255, validators=[validate_no_control_characters])


class AppPasswordRefForm(forms.Form):
    app_password_id = forms.IntegerField(min_value=1)
