"""Validators of the project's own: names without control characters, and a password's maximum length."""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Refuses passwords longer than ``max_length`` characters (Pryv contract §9.4: 100)."""

    def __init__(self, max_length: int = 100) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long. It must contain at most {self.max_length} characters.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at most {self.max_length} characters."


def validate_no_control_characters(value: str) -> None:
    """Refuses a name (token, display name, app password) holding a control character: Unicode category Cc.

    That is NUL, tab, newline, DEL and the C1 controls; other characters, format ones included, are allowed.
    """
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValidationError("Control characters are not allowed.", code="control_characters")
