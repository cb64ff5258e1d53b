"""Pages both flavours share: the home page and the account pages (sign up, activate, resend,
log in, log out). Account rules live in ``domain.accounts.services``; these views present them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from domain.accounts.services import (
    ActivationError,
    user_activate,
    user_resend_activation,
    user_signup,
)
from interfaces.throttling import ResendActivationThrottle, SignupThrottle

from .common import add_errors, throttle_posts
from .forms import EmailAuthenticationForm, ResendActivationForm, SignupForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@require_http_methods(["GET", "POST"])
@throttle_posts(SignupThrottle)
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("signup_done")
    status = 400 if form.is_bound else 200
    return render(request, "web/accounts/signup.html", {"form": form}, status=status)


@require_GET
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accounts/signup_done.html")


@require_GET
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = user_activate(uidb64=uidb64, token=token)
    except ActivationError as error:
        # An already active account is not a failure: the way forward is to log in.
        status = 200 if error.code == "already_active" else 400
        context = {"error": error}
        return render(request, "web/accounts/activate.html", context, status=status)
    return render(request, "web/accounts/activate.html", {"activated_user": user})


@require_http_methods(["GET", "POST"])
@throttle_posts(ResendActivationThrottle)
def resend_activation(request: HttpRequest) -> HttpResponse:
    form = ResendActivationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user_resend_activation(email=form.cleaned_data["email"])
        messages.info(
            request,
            "If an account with this address is waiting for activation, a new link is on its way.",
        )
        return redirect("signup_done")
    status = 400 if form.is_bound else 200
    return render(request, "web/accounts/resend.html", {"form": form}, status=status)


class LoginView(auth_views.LoginView):
    template_name = "web/accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        messages.success(self.request, f"Welcome, {form.get_user().display_name}.")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are logged out.")
        return response
