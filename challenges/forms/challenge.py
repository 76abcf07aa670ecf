"""Forms of the organisers: the challenge itself, its phase and its kit."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge, KitDocument, Phase, SelectionRule, Theme
from territories.models import Territory

SELECTION_RULE_HELP = {
    SelectionRule.FIRST_COME: _(
        "Les places sont attribuées dans l'ordre d'arrivée des candidatures ; les suivantes vont sur la liste d'attente."
    ),
    SelectionRule.RESIDENTS_FIRST: _(
        "Les foyers qui habitent une commune du territoire passent avant les autres, puis l'ordre d'arrivée départage."
    ),
    SelectionRule.MEMBERS_FIRST: _(
        "Les foyers qui se déclarent adhérents de l'association organisatrice passent d'abord, puis l'ordre d'arrivée."
    ),
    SelectionRule.TEAMS_FIRST: _(
        "Les foyers inscrits avec un code d'équipe passent d'abord : les équipes déjà formées restent ensemble."
    ),
    SelectionRule.DIVERSE: _(
        "La plateforme équilibre les profils retenus (type de logement, chauffage, taille du foyer, commune) pour que le défi ressemble au territoire."
    ),
}

# Paths under /t/<territory>/defis/ that a challenge slug would shadow.
RESERVED_SLUGS = {"nouveau"}

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _selection_choices() -> list[tuple[str, str]]:
    return [
        (value, f"{label} — {SELECTION_RULE_HELP[SelectionRule(value)]}")
        for value, label in SelectionRule.choices
    ]


class ChallengeForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Énergie, eau et déchets sont mesurés (compteurs, pesées) ; alimentation et mobilité passent par les éco-gestes."
        ),
    )
    consent_body = forms.CharField(
        label=_("Texte de consentement à l'usage des données"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Ce que les foyers acceptent en s'inscrivant : quelles données, pour quoi, qui les voit, combien de temps. "
            "Modifier ce texte en crée une nouvelle version ; les foyers déjà inscrits gardent la version acceptée."
        ),
    )

    class Meta:
        model = Challenge
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "themes",
            "registration_opens_on",
            "registration_closes_on",
            "starts_on",
            "ends_on",
            "reference_weeks",
            "objective_energy_pct",
            "objective_water_pct",
            "objective_waste_pct",
            "max_households",
            "reading_frequency_days",
            "weighing_frequency_days",
            "selection_rule",
            "organising_association",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "registration_opens_on": DATE_WIDGET,
            "registration_closes_on": DATE_WIDGET,
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "selection_rule": forms.RadioSelect,
        }
        help_texts = {
            "slug": _(
                "Utilisée dans l'adresse de la page (lettres, chiffres et tirets). Laissez vide pour la déduire du titre."
            ),
            "starts_on": _(
                "Énergie et eau : la période de référence reprend les mêmes dates un an plus tôt."
            ),
            "ends_on": _("Dernier jour inclus dans le défi."),
            "objective_energy_pct": _("Baisse visée, par exemple 8 pour −8 %."),
            "objective_water_pct": _("Baisse visée, par exemple 10 pour −10 %."),
            "objective_waste_pct": _("Baisse visée des déchets résiduels, par exemple 20."),
            "max_households": _(
                "Au-delà, la règle de sélection s'applique et une liste d'attente se forme."
            ),
            "selection_rule": _(
                "À choisir avant d'ouvrir les inscriptions ; chaque décision est expliquée au foyer."
            ),
        }

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.instance.territory = territory
        self.fields["slug"].required = False
        cast(forms.ChoiceField, self.fields["selection_rule"]).choices = _selection_choices()
        if self.instance.consent_text_id and not self.is_bound:
            self.initial["consent_body"] = self.instance.consent_text.body

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _(
                    "« %(slug)s » est réservé par la plateforme : choisissez une autre adresse courte."
                )
                % {"slug": slug}
            )
        if slug:
            if self._slug_taken(slug):
                raise forms.ValidationError(
                    _("Un autre défi de ce territoire utilise déjà cette adresse courte.")
                )
            return slug
        return self._slug_from_title()

    def _slug_taken(self, slug: str) -> bool:
        if slug in RESERVED_SLUGS:
            return True
        others = Challenge.objects.filter(territory=self.territory, slug=slug)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        return others.exists()

    def _slug_from_title(self) -> str:
        base = slugify(self.cleaned_data.get("title") or "")[:70] or "defi"
        slug, n = base, 2
        while self._slug_taken(slug):
            slug, n = f"{base}-{n}", n + 1
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, start = data.get("registration_opens_on"), data.get("starts_on")
        if opens and start and opens >= start:
            self.add_error(
                "registration_opens_on",
                _("Les inscriptions doivent ouvrir avant le premier jour du défi."),
            )
        themes = set(data.get("themes") or [])
        # An objective only makes sense for a theme the challenge measures.
        for theme, field in (
            (Theme.ENERGY, "objective_energy_pct"),
            (Theme.WATER, "objective_water_pct"),
            (Theme.WASTE, "objective_waste_pct"),
        ):
            if data.get(field) is not None and theme not in themes:
                self.add_error(
                    field,
                    _("Cochez le thème « %(theme)s » ou laissez cet objectif vide.")
                    % {"theme": theme.label},
                )
        return data


class OverrideForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Phase à imposer"),
        choices=[
            (p.value, p.label)
            for p in (
                Phase.ANNOUNCED,
                Phase.REGISTRATION,
                Phase.REFERENCE,
                Phase.RUNNING,
                Phase.CLOSED,
            )
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Cette phase remplace celle que donnent les dates, jusqu'à ce que vous la retiriez."
        ),
    )
    note = forms.CharField(
        label=_("Motif"),
        max_length=250,
        help_text=_("Par exemple : « inscriptions rouvertes deux jours pour l'équipe de Crest »."),
    )


class KitDocumentForm(forms.ModelForm):
    MAX_BYTES = 20 * 1024 * 1024
    # Extension → how such a file begins (ODT and DOCX are zip archives).
    SIGNATURES = {
        ".pdf": (b"%PDF",),
        ".odt": (b"PK\x03\x04",),
        ".docx": (b"PK\x03\x04",),
        ".png": (b"\x89PNG\r\n\x1a\n",),
        ".jpg": (b"\xff\xd8\xff",),
        ".jpeg": (b"\xff\xd8\xff",),
    }

    class Meta:
        model = KitDocument
        fields = ["kind", "title", "file"]
        help_texts = {"file": _("PDF, ODT, DOCX, PNG ou JPEG, 20 Mo au plus.")}

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        extension = Path(upload.name).suffix.lower()
        if extension not in self.SIGNATURES:
            raise forms.ValidationError(
                _("Format non accepté : envoyez un fichier PDF, ODT, DOCX, PNG ou JPEG.")
            )
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse 20 Mo : réduisez-le ou découpez-le avant de l'envoyer.")
            )
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(self.SIGNATURES[extension]):
            raise forms.ValidationError(
                _("Le contenu du fichier ne correspond pas à son extension %(ext)s.")
                % {"ext": extension}
            )
        return upload
