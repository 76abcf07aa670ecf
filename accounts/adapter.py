from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter

from accounts.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its e-mails sent through the task queue."""

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
