"""Rendering of the core's *bold* markup for HTML channels."""

from __future__ import annotations

from bot.channels.markup import to_html


def test_bold_becomes_html_and_everything_else_is_escaped() -> None:
    assert to_html("*Paspor* <script>x</script> & 5*3") == (
        "<b>Paspor</b> &lt;script&gt;x&lt;/script&gt; &amp; 5*3"
    )


def test_bold_does_not_span_lines() -> None:
    assert to_html("*a\nb*") == "*a\nb*"
