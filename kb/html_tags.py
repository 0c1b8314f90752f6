"""The one expression that finds tags in a page's HTML, for the passes that read or edit
the HTML between its tags without a full parser: glossary marks (kb/glossary.py, before
the sanitizer) and a page's text for search (kb/search_index.py, after it).

A match is a tag (groups: "/" of an end tag, the name, the attributes), a comment (one
left open runs to the end of the page: nothing after it is text), a declaration, a
processing instruction or "</" without a name (html.parser drops these too).

Attribute values in quotes may hold ">" and "<": `<span title="说明>一岗双责">` is one
tag, and its tooltip text is not page text (the glossary marked a term inside it, and the
sanitizer then refused the page for a link the editor never wrote). A "<" or a quote
outside quotes inside a tag ends its chance to be one (html.parser would take it into
the tag); with possessive quantifiers that makes every "<" tried once, so any page is
read in linear time (a long run of "<a" without ">" was cubic, then quadratic).
"""
from __future__ import annotations

import re

TAG = re.compile(
    r"""<(?:(/?)([a-zA-Z][^\t\n\f\r />"'<]*+)((?:[^>"'<]|"[^"]*"|'[^']*')*+)>"""  # a tag
    r"""|!--.*?(?:-->|\Z)"""  # a comment
    r"""|!(?!--)[^>]*>|\?[^>]*>|/(?:>|[^a-zA-Z>][^>]*>))""",  # a declaration, an instruction, "</" without a name
    re.S)
