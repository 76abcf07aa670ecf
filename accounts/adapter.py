from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.forms import BaseForm
from django.http import HttpRequest

from accounts.models import User
from accounts.services import consent_give
from accounts.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its e-mails sent through the task queue and the signup
    recording the display name and the acceptance of the terms."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        send_email.delay(
            to=list(message.to),
            subject=message.subject,
            body=message.body,
            html=html,
            from_email=message.from_email,
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
