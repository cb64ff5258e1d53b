"""Forms of the web pages, shared by both flavours. They only carry and present input: the rules
(lengths, image checks, unique email, password strength) are the domain's, and the views copy
its ``ValidationError``s onto these forms with ``add_error``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import format_html

from domain.accounts.models import DISPLAY_NAME_MAX_LENGTH, User
from domain.posts.models import BODY_MAX_LENGTH


class BootstrapFormMixin:
    """Give every widget Bootstrap's class, so templates render fields without add-ons."""

    fields: dict[str, forms.Field]  # the form's, which this mixes into

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            widget.attrs["class"] = css


class PostForm(BootstrapFormMixin, forms.Form):
    # Not required and not stripped here: "blank" is the domain's rule and message.
    body = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": BODY_MAX_LENGTH, "placeholder": "What's happening?"}
        ),
    )
    # A FileField, not an ImageField: the domain decides what an acceptable image is.
    image = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text="Optional: a JPEG, PNG, GIF or WebP image.",
    )


class PostEditForm(PostForm):
    remove_image = forms.BooleanField(required=False, label="Remove the current image")


class SignupForm(BootstrapFormMixin, forms.Form):
    email = forms.CharField(
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    display_name = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"maxlength": DISPLAY_NAME_MAX_LENGTH}),
        help_text="Shown on your posts instead of your email. Leave empty for a random one.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The validators' own words (AUTH_PASSWORD_VALIDATORS): no rule restated here.
        self.fields["password"].help_text = (
            password_validation.password_validators_help_text_html()
        )


class ResendActivationForm(BootstrapFormMixin, forms.Form):
    email = forms.CharField(
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class EmailAuthenticationForm(BootstrapFormMixin, AuthenticationForm):
    """Django's login form, labelled for email, and saying why an inactive account can't log in
    (Django's backend treats it like a wrong password)."""

    username = forms.CharField(
        label="Email",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if self._credentials_of_inactive_account():
                raise ValidationError(
                    format_html(
                        "This account is not active yet. Follow the link in the activation "
                        'email, or <a href="{}">ask for a new link</a>.',
                        reverse_lazy("resend_activation"),
                    ),
                    code="inactive",
                )
            raise

    def _credentials_of_inactive_account(self) -> bool:
        # The password is checked too, so this message never tells a stranger that an
        # address has an account.
        email = self.cleaned_data.get("username") or ""
        user = User.objects.filter(email__iexact=email.strip(), is_active=False).first()
        return user is not None and user.check_password(self.cleaned_data.get("password") or "")
