from django import forms
from django.contrib.auth import password_validation

from reattune.couples.actions import timezone_too_long, valid_timezone

TIMEZONE_UNREADABLE = "timezone_unreadable"


class SignupForm(forms.Form):
    display_name = forms.CharField(label="Your first name", max_length=60)
    email = forms.EmailField(label="Email", max_length=254)
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. A few unrelated words make a strong one.",
    )
    timezone = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_timezone(self):
        # An unknown name falls back to UTC (it can be changed later on the couple page); one
        # far longer than any time zone is not something a browser sends, and is refused.
        value = self.cleaned_data.get("timezone") or "UTC"
        if timezone_too_long(value):
            return None
        return valid_timezone(value)

    def clean(self):
        data = super().clean()
        if data is None:  # ModelForm/Form.clean returns cleaned_data; for the type checker
            data = self.cleaned_data
        if "timezone" in data and data["timezone"] is None:
            self.add_error(
                None,
                forms.ValidationError(
                    "We could not read your time zone. Please reload this page and try again.",
                    code=TIMEZONE_UNREADABLE,
                ),
            )
        password = data.get("password")
        if password:
            from reattune.accounts.models import User

            probe = User(email=data.get("email", ""), display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class LoginForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NewPasswordForm(forms.Form):
    """A new password for `user`, checked by the password validators (reset and change)."""

    new_password = forms.CharField(
        label="New password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters.",
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password(self):
        value = self.cleaned_data["new_password"]
        password_validation.validate_password(value, self.user)
        return value


class PasswordChangeForm(NewPasswordForm):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "new_password"]

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("That is not your current password.")
        return value


class TokenForm(forms.Form):
    name = forms.CharField(label="What is this token for?", max_length=60)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that everything I wrote will be deleted and cannot be brought back."
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        value = self.cleaned_data["password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("That is not your password.")
        return value
