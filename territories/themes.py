"""The platform's one theme vocabulary.

Challenges, éco-gestes, events, the actors' network and the commons of
resources all tag their objects with these codes, so that an organiser filters
« Déchets » once and finds the challenge, the workshops, the actors and the
sheets of that theme. The codes are stored as text in each module's tables;
they never change once shipped (a label may be reworded).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    ENERGY = "energie", _("Énergie")
    WATER = "eau", _("Eau")
    WASTE = "dechets", _("Déchets")
    FOOD = "alimentation", _("Alimentation")
    MOBILITY = "mobilite", _("Mobilité")
    CONSUMPTION = "consommation", _("Consommation responsable")
    HOUSING = "logement", _("Logement et rénovation")
    BIODIVERSITY = "biodiversite", _("Nature et biodiversité")
    SOLIDARITY = "solidarite", _("Solidarité et lien social")
    HEALTH = "sante", _("Santé et environnement")
    ECONOMY = "economie", _("Économie locale")


# Themes a household measures with meters or scales; the others have
# éco-gestes only.
MEASURED_THEMES = frozenset({Theme.ENERGY, Theme.WATER, Theme.WASTE})
