from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Long passphrases are welcome; beyond 128 characters we refuse to spend hashing time."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"Please use at most {self.max_length} characters.", code="password_too_long"
            )

    def get_help_text(self):
        return f"At most {self.max_length} characters."
