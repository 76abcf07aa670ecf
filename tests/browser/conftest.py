"""Browser tests: Playwright (sync API) driving Debian's Chromium, axe-core on every page.

Every document a test loads must be checked by axe (WCAG 2.1 A and AA): navigate
with `helpers.visit()`, `visit_all()`, `follow()` or `submit()`, or call `assert_accessible()`
after anything else that loads a page. A page loaded but never checked fails
the test at teardown, so a new test cannot forget the check. Uncaught
JavaScript errors and missing stylesheets or scripts fail it too.

On failure the page is saved to tests/artifacts/<test>.png and .html.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from tests.browser.helpers import assert_accessible, save_artifacts

# The live server runs in a thread of this process and Playwright's sync API
# keeps an event loop in the main thread: Django's ORM would refuse to run.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} est introuvable : les tests navigateur (Playwright + axe) ne tournent pas. "
    "Installez-le avec `apt-get install chromium` (ou `make browser-deps`)."
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 15_000
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        terminalreporter.write_sep("!", "TESTS NAVIGATEUR IGNORÉS", red=True, bold=True)
        terminalreporter.write_line(MISSING_CHROMIUM, red=True, bold=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[Any]:
    """Keep each phase's report on the item, for the page fixture's finalizer."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium per test session (so one per xdist worker)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI : {MISSING_CHROMIUM}", pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class PageWatch:
    """What happened in a page beyond what the test asserted itself."""

    current: str | None = None
    current_checked: bool = True
    unchecked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def loaded(self, url: str) -> None:
        if self.current and not self.current_checked:
            self.unchecked.append(self.current)
        self.current, self.current_checked = url, False

    def checked(self) -> None:
        self.current_checked = True

    def on_console(self, message: Any) -> None:
        # The Content-Security-Policy's refusals (an inline script or handler,
        # a resource from elsewhere) are console errors: each one is a bug.
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"CSP : {message.text[:300]}")

    def on_response(self, response: Any) -> None:
        kind = response.request.resource_type
        if kind in {"stylesheet", "script", "font"} and response.status >= 400:
            self.errors.append(f"HTTP {response.status} sur {response.url}")


def _failed(item: pytest.Item) -> bool:
    reports = (getattr(item, f"rep_{when}", None) for when in ("setup", "call"))
    return any(report is not None and report.failed for report in reports)


def _open_page(
    request: pytest.FixtureRequest, browser: Any, base_url: str, viewport: dict[str, int]
) -> Iterator[Any]:
    if django_settings.SECURE_SSL_REDIRECT:
        pytest.fail("Le serveur de test parle http : lancez les tests avec ELAN_SSL_REDIRECT=0.")
    phone = viewport["width"] < 600
    context = browser.new_context(
        base_url=base_url, viewport=viewport, locale="fr-FR", is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = PageWatch()
    page.elan_watch = watch
    page.elan_base_url = base_url
    page.elan_test_name = request.node.name
    page.on("domcontentloaded", lambda p: watch.loaded(p.url))
    page.on("pageerror", lambda exc: watch.errors.append(f"JavaScript : {exc}"))
    page.on("response", watch.on_response)
    page.on("console", watch.on_console)
    yield page

    problems = []
    if not _failed(request.node):
        watch.loaded("")  # the last page must have been checked too
        if watch.unchecked:
            problems.append(
                "Pages chargées sans contrôle axe (utilisez visit/follow/submit ou "
                f"assert_accessible) : {watch.unchecked}"
            )
        if watch.errors:
            problems.append(f"Erreurs dans la page : {watch.errors}")
    if problems or _failed(request.node):
        save_artifacts(page, request.node.name)
    context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context per test: 1280×900, French, on the live server."""
    yield from _open_page(request, browser, live_server.url, DESKTOP)


@pytest.fixture
def phone_page(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Any]:
    """The same on a 360×740 touch phone."""
    yield from _open_page(request, browser, live_server.url, PHONE)


@pytest.fixture
def axe() -> Any:
    """`axe(page)`: the current page has no WCAG 2.1 A/AA violation."""
    return assert_accessible
