"""Markdown is rendered, and whatever could run in a browser is neutralised."""

from __future__ import annotations

from commons.markdown import plain, render


def test_it_renders_markdown_with_headings_one_level_down():
    html = render("# Titre\n\n**gras** et [lien](https://example.org)")
    assert "<h2>Titre</h2>" in html
    assert "<strong>gras</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_a_script_tag_comes_out_as_text():
    html = render("<script>alert('x')</script> bonjour")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_raw_html_is_not_interpreted():
    html = render('<img src=x onerror="alert(1)"> <a href="https://e.org" onclick="x()">a</a>')
    assert "<img" not in html
    assert "&lt;img" in html  # shown as text, not an element
    assert "<a " not in html


def test_javascript_links_are_dropped():
    for text in [
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ]:
        html = render(text)
        assert "<a" not in html  # left as plain text, never a link
        assert "href" not in html


def test_an_image_keeps_its_alt_text():
    html = render("![Un composteur en bois](https://example.org/c.png)")
    assert 'alt="Un composteur en bois"' in html


def test_plain_text_drops_the_markup():
    assert plain("## Pourquoi\n\n**Composter** <b>vite</b>") == "Pourquoi Composter <b>vite</b>"
