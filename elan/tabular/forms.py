"""The upload field of every import form: a CSV, XLSX or ODS file of at
most `MAX_BYTES`, refused with a French message next to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elan.tabular.cells import MAX_BYTES

ACCEPT = (
    ".csv,.xlsx,.ods,text/csv,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.oasis.opendocument.spreadsheet"
)
SUFFIXES = (".csv", ".xlsx", ".ods", ".txt")


class TableFileField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Fichier CSV, XLSX ou ODS"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Un classeur LibreOffice Calc (.ods), Excel (.xlsx) ou un fichier CSV, 10 Mo au plus. "
                "La première ligne donne le nom des colonnes ; seule la première feuille est lue."
            ),
        )
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(
                _("Choisissez un fichier .csv ou .xlsx, ou un classeur LibreOffice .ods.")
            )
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 10 Mo : découpez-le."))
        return upload
