from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

from accounts import login_limits
from accounts.mail import queue_email
from accounts.models import EmailStream, User
from accounts.services import consent_give


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its e-mails sent through the outbox (accounts/mail.py), the signup
    recording the display name and the acceptance of the terms, and failed
    logins limited without locking the owner out (accounts/login_limits.py)."""

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        key = self._get_login_attempts_cache_key(request, **credentials)
        limits = login_limits.rates(request, credentials.get("email", ""))
        # allauth rolls this usage back when the password is right.
        self._login_failed_rl_usage = login_limits.consume(request, key=key, limits=limits)
        if not self._login_failed_rl_usage:
            raise login_limits.lock_error(request, key=key, limits=limits)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        login_limits.remember_device(request, response, user)
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        # Each of allauth's messages (a code, a reset link) is new: a random
        # key, so nothing is deduplicated, but it takes the outbox's path.
        for address in message.to:
            queue_email(
                key=f"allauth:{uuid.uuid4()}",
                to=address,
                subject=message.subject,
                body=message.body,
                html=html,
                stream=EmailStream.TRANSACTIONAL,
                reference=f"allauth:{template_prefix}",
                from_email=message.from_email or "",
            )

    def save_user(
        self, request: HttpRequest, user: User, form: BaseForm, commit: bool = True
    ) -> User:
        user.display_name = form.cleaned_data.get("display_name", "")
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            terms = getattr(form, "terms", None)
            if commit and terms is not None and form.cleaned_data.get("accept_terms"):
                consent_give(user=user, text=terms)
        return user
