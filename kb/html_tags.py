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

`tokenize_into` calls an html.parser-style handler for each tag and text of HTML the
sanitizer wrote (well formed, quoted): the search index's text (kb/search_index.py) and
the sanitizer's own comparison of what it removed (kb/sanitize.py).
"""
from __future__ import annotations

import html
import re

TAG = re.compile(
    r"""<(?:(/?)([a-zA-Z][^\t\n\f\r />"'<]*+)((?:[^>"'<]|"[^"]*"|'[^']*')*+)>"""  # a tag
    r"""|!--.*?(?:-->|\Z)"""  # a comment
    r"""|!(?!--)[^>]*>|\?[^>]*>|/(?:>|[^a-zA-Z>][^>]*>))""",  # a declaration, an instruction, "</" without a name
    re.S)

_ATTRIBUTE = re.compile(r"""([^\s/=>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']*))?""")
# Elements whose text is not markup (html.parser's CDATA_CONTENT_ELEMENTS).
_RAW_TEXT_END = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def _attributes(text: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for name, value in _ATTRIBUTE.findall(text):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found.append((name.lower(), html.unescape(value) if value else None))
    return found


def tokenize_into(handler, page_html: str) -> None:
    """Call `handler`'s handle_starttag, handle_startendtag, handle_endtag and handle_data
    (html.parser's interface, text with its character references resolved) for `page_html`."""
    position = 0
    while (match := TAG.search(page_html, position)) is not None:
        start = match.start()
        if start > position:
            handler.handle_data(html.unescape(page_html[position:start]))
        position = match.end()
        name = match.group(2)
        if name is None:  # a comment, a declaration
            continue
        name = name.lower()
        if match.group(1):
            handler.handle_endtag(name)
            continue
        attributes = match.group(3)
        if attributes.endswith("/"):
            handler.handle_startendtag(name, _attributes(attributes[:-1]))
            continue
        handler.handle_starttag(name, _attributes(attributes))
        end = _RAW_TEXT_END.get(name)
        if end is not None:
            closing = end.search(page_html, position)
            stop = closing.start() if closing else len(page_html)
            if stop > position:
                handler.handle_data(page_html[position:stop])
            position = stop
    if position < len(page_html):
        handler.handle_data(html.unescape(page_html[position:]))
