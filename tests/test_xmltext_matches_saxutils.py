"""claimgraph.xmltext escapes exactly as xml.sax.saxutils does (it replaces it for start-up)."""

from __future__ import annotations

from xml.sax import saxutils

import pytest

from claimgraph import xmltext

CASES = ["", "plain", "a<b>&c", 'say "hi"', "it's", "both \" and '", "tab\there", "line\nnext",
         "cr\rlf", "&amp; already", "<![CDATA[x]]>", "ünïcødé ✓", "\r\n\t\"'<&>"]


@pytest.mark.parametrize("text", CASES)
def test_escape_and_quoteattr_agree(text):
    assert xmltext.escape(text) == saxutils.escape(text)
    assert xmltext.escape(text, {"\r": "&#13;"}) == saxutils.escape(text, {"\r": "&#13;"})
    assert xmltext.quoteattr(text) == saxutils.quoteattr(text)
