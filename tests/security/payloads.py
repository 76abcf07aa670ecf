"""Hostile values: a fixed list every field gets, and a hypothesis strategy
that mixes them with random text, numbers and dates."""

from __future__ import annotations

from hypothesis import strategies as st

XSS = "<script>alert(1)</script>"
XSS_ATTRIBUTE = '"><img src=x onerror=alert(1)>'
XSS_URL = "javascript:alert(1)"
# What must never reach an HTML page as such: the payloads above, unescaped.
XSS_MARKERS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", 'href="javascript:')

ONE_MB = "é" * 500_000  # 1 MB once encoded, and two bytes a character

# One list, so that every field sees every value: markup, SQL, sizes, control
# characters, numbers a float or a column cannot hold, dates no calendar has.
PAYLOADS: list[str] = [
    XSS,
    XSS_ATTRIBUTE,
    XSS_URL,
    "' OR 1=1 --",
    "'; DROP TABLE x; --",
    "a\x00b",
    "\x00",
    "\u202e\ufeff\u200b\U0001f600 \ufffd",
    "1e308",
    "-1e308",
    "NaN",
    "Infinity",
    "9999-12-31",
    "0000-00-00",
    "9999-12-31T23:59:59+14:00",
    "99999999999999999999999999999999",
    "-9223372036854775809",
    "0x7fffffff",
    "{{ 7|add:7 }}{% debug %}${7*7}%s%n",
    "../../../../etc/passwd",
    "",
    " ",
]
# Raw bytes no UTF-8 decoder accepts (a lone surrogate, an overlong slash,
# stray continuation bytes), percent-encoded into a form body or a query.
BAD_ENCODINGS = ["%ED%A0%80", "%C0%AF", "%FF%FE%FD", "%80abc"]

QUERY_NAMES = [
    "page",
    "page_size",
    "q",
    "format",
    "date",
    "date_from",
    "date_to",
    "debut",
    "fin",
    "annee",
    "year",
    "month",
    "mois",
    "tri",
    "sort",
    "kind",
    "theme",
    "status",
    "territory",
    "commune",
    "next",
]

hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50).map(lambda s: s + XSS),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(lambda d: d.isoformat()),
    st.builds(lambda a, b: f"{a}{XSS}{b}", st.text(max_size=20), st.text(max_size=20)),
)
# A field sent once, or several times where one value is expected.
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
