"""Build the demo territory: every project app may add its part in a `demo`
module with a `seed(ctx)` function, called in INSTALLED_APPS order."""

from __future__ import annotations

import importlib
import importlib.util
import time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from territories.demo import DEMO_PASSWORD, DemoContext
from territories.models import Territory


def demo_modules() -> list[Any]:
    """The `<app>.demo` modules of the project's own apps (not third-party ones)."""
    modules = []
    for app_config in apps.get_app_configs():
        if Path(app_config.path).parent != Path(settings.BASE_DIR):
            continue
        name = f"{app_config.name}.demo"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


class Command(BaseCommand):
    help = "Crée (ou complète) le territoire de démonstration et ses comptes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne fait rien si un territoire existe déjà.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Territory.objects.exists():
            self.stdout.write("Un territoire existe déjà : démo non chargée.")
            return
        started = time.perf_counter()
        ctx = DemoContext()
        with transaction.atomic():
            for module in demo_modules():
                module.seed(ctx)
        elapsed = f"{time.perf_counter() - started:.1f}".replace(".", ",")

        created = ", ".join(f"{label} : {n}" for label, n in sorted(ctx.created.items()) if n)
        self.stdout.write(
            self.style.SUCCESS(
                f"Démo prête en {elapsed} s : {len(ctx.territories)} territoires, "
                f"{len(ctx.communes)} communes, {len(ctx.households)} foyers, "
                f"{len(ctx.users)} comptes."
            )
        )
        self.stdout.write(f"Créés cette fois-ci : {created or 'rien, tout existait déjà'}.")
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        width = max((len(email) for email, _label in ctx.logins), default=0)
        for email, label in ctx.logins:
            self.stdout.write(f"  {email.ljust(width)}  {label}")
