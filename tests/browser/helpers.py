"""What browser tests do with a page: go somewhere, submit, and let axe judge.

Every helper that loads a document ends with `assert_accessible()`, so a test
written with them checks WCAG 2.1 A/AA on every page it sees.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def save_artifacts(page: Any, name: str) -> None:
    """Screenshot and HTML of the page as tests/artifacts/<name>.png and .html."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", name).strip("_")[:150]
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # an artifact must never hide the real failure
        print(f"Artefacts {name} non enregistrés : {exc}")


def _axe_source() -> str:
    import axe_playwright_python

    return str(Path(axe_playwright_python.__file__).parent / "axe.min.js")


@functools.cache
def _axe_text() -> str:
    return Path(_axe_source()).read_text(encoding="utf-8")


def _target(node: dict[str, Any]) -> str:
    # A target is a list of selectors, one more per shadow root or iframe.
    return " ".join(" >>> ".join(t) if isinstance(t, list) else t for t in node["target"])


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} violation(s) WCAG 2.1 A/AA sur {url} :"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']} : {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    · {_target(node)}   {node['html'][:200]}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    · … et {len(v['nodes']) - 10} autre(s)")
    return "\n".join(lines)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The script has run once added: remove its 500 kB from the DOM (and the artifacts).
        # Evaluated, not added as a <script>: the page's Content-Security-Policy
        # allows no inline script (and nothing stays in the DOM or the artifacts).
        page.evaluate(_axe_text())
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations;
        }""",
        AXE_TAGS,
    )


def assert_accessible(page: Any) -> None:
    """Fail with a readable list if axe finds any WCAG 2.1 A/AA violation."""
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    page.elan_watch.checked()
    if violations:
        pytest.fail(format_violations(page.url, violations), pytrace=False)


def visit(page: Any, url: str, *, status: int = 200) -> Any:
    """Go to `url` (relative to the live server), expect `status` without any
    redirect (a login redirect would otherwise pass for the page), check axe."""
    response = page.goto(url)
    assert response is not None, url
    redirected = response.request.redirected_from
    assert redirected is None, f"{url} redirige vers {page.url}"
    assert response.status == status, f"{url} : HTTP {response.status}, attendu {status}"
    assert_accessible(page)
    return response


def visit_all(page: Any, urls: list[str], *, then: Any = None) -> None:
    """`visit` each page (and run `then(page)` on it), then fail once listing
    every page that failed: one broken page does not hide the next ones."""
    failures = []
    for url in urls:
        try:
            visit(page, url)
            if then is not None:
                then(page)
        except (AssertionError, pytest.fail.Exception) as failure:
            page.elan_watch.checked()  # reported here already
            save_artifacts(page, f"{page.elan_test_name}-{url}")
            failures.append(f"● {url}\n{failure}")
    if failures:
        pytest.fail(
            f"{len(failures)} page(s) sur {len(urls)} en échec :\n\n" + "\n\n".join(failures),
            pytrace=False,
        )


def follow(page: Any, locator: Any, *, status: int | None = None) -> Any:
    """Click something that loads a new page (link, submit button), then check axe.

    Without `status`, any answer below 400 will do (redirects are followed)."""
    with page.expect_navigation() as navigation:
        locator.click()
    response = navigation.value
    assert response is not None
    if status is None:
        assert response.status < 400, f"{page.url} : HTTP {response.status}"
    else:
        assert response.status == status, f"{page.url} : HTTP {response.status}, attendu {status}"
    assert_accessible(page)
    return response


def submit(page: Any, form: Any, *, status: int | None = None) -> Any:
    """Submit `form` (a locator) with its first submit button; check the result page.

    A form sent back with its errors answers 400 (elan.middleware.BadInputStatusMiddleware)."""
    return follow(page, form.locator("[type=submit]").first, status=status)


def log_in(page: Any, user: Any) -> None:
    """Authenticate the browser as `user` through a server-side session (no login form)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.elan_base_url,
                "httpOnly": True,
                "secure": settings.SESSION_COOKIE_SECURE,
                "sameSite": "Lax",
            }
        ]
    )


def assert_no_horizontal_scroll(page: Any) -> None:
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width <= width:
        return
    culprits = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > width + 1)
            .slice(0, 8)
            .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (typeof e.className === 'string' && e.className.trim()
                   ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)')""",
        width,
    )
    pytest.fail(
        f"{page.url} défile horizontalement à {width} px (scrollWidth {scroll_width}) ; "
        f"éléments qui débordent : {culprits}",
        pytrace=False,
    )


def plain(text: str) -> str:
    """Text as a reader sees it: French non-breaking spaces as spaces, runs of
    white space as one."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())
