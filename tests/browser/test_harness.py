"""The checks themselves must be able to fail, or every green test above means nothing."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PageWatch
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, visit

pytestmark = pytest.mark.django_db(transaction=True)

INACCESSIBLE = """<!doctype html><html><head><title>x</title></head><body>
<main><img src="/static/absente.png"><input type="text" name="q">
<p style="color:#aaa;background:#fff">Texte pâle</p></main></body></html>"""


def test_axe_reports_each_violation_with_its_target(page):
    page.set_content(INACCESSIBLE)

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page)

    message = str(failure.value)
    for rule in ("html-has-lang", "image-alt", "label", "color-contrast"):
        assert rule in message
    assert '· input   <input type="text" name="q">' in message  # where, not only what


def test_horizontal_scroll_names_the_overflowing_element(phone_page):
    phone_page.set_content(
        '<!doctype html><html lang="fr"><head><title>Large</title></head>'
        '<body><main><div id="large" style="width:500px">x</div></main></body></html>'
    )

    with pytest.raises(pytest.fail.Exception, match="div#large"):
        assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)


def test_a_page_left_without_an_axe_check_is_reported():
    watch = PageWatch()
    watch.loaded("http://testserver/")
    watch.checked()
    watch.loaded("http://testserver/compte/")
    watch.loaded("http://testserver/t/val-de-drome/")
    watch.checked()
    watch.loaded("")

    assert watch.unchecked == ["http://testserver/compte/"]


def test_visit_refuses_a_redirect_to_the_login_page(page):
    with pytest.raises(AssertionError, match=r"redirige vers .*/compte/login/"):
        visit(page, "/compte/")
    assert_accessible(page)
