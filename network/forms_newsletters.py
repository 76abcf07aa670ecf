"""Forms of the network's newsletters: the letter itself (subject, Markdown
text, public archive) and the public subscription with its consent. They
validate; network.newsletters does the writing. The segment is
network.forms.SegmentForm, the preview's fingerprint FingerprintForm."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ConsentText
from network.models import Newsletter

BODY_MAX = 100_000


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = ["subject", "body", "in_archive"]
        labels = {
            "subject": _("Objet de l'e-mail"),
            "body": _("Texte de la lettre (Markdown)"),
            "in_archive": _("Publier la lettre dans les archives publiques du réseau"),
        }
        help_texts = {
            "body": _(
                "Titres avec #, ## ; **gras**, *italique* ; listes avec - ; liens "
                "[texte](https://…). Le HTML n'est pas interprété."
            ),
            "in_archive": _("Une fois envoyée, tout le monde pourra la lire sur le site."),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        error_messages = {
            "subject": {"required": _("Donnez un objet à la lettre.")},
            "body": {"required": _("Écrivez le texte de la lettre.")},
        }

    def clean_subject(self) -> str:
        # One line: a line break in a header is refused by the mail library.
        return " ".join(self.cleaned_data["subject"].split())

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if len(body) > BODY_MAX:
            raise forms.ValidationError(
                _("Le texte est trop long (%(max)d caractères au plus).") % {"max": BODY_MAX}
            )
        return body.replace("\r\n", "\n").strip()


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Nous vous y envoyons un lien pour confirmer l'abonnement."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Sans votre accord, nous ne pouvons pas vous écrire.")},
    )

    def __init__(self, *args: Any, text: ConsentText, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The exact text the proof of consent quotes.
        self.fields["consent"].label = text.body
