"""Render, then sanitize: the HTML of every page passes an allowlist before it is published.

Checking the Markdown source with patterns cannot follow what Python-Markdown,
attr_list, md_in_html and the templates make of it; browsers run the rendered
output, so that is what is cleaned. The cleaning is done by nh3 (the Ammonia
HTML5 sanitizer), with the elements, attributes and classes this site's
extensions and macros produce. Nothing is altered silently: whatever the
allowlist would remove is reported as a Chinese error naming the file, the line
where the offending text stands and the tag or attribute, and the build stops.

How the report is made: the page is cleaned twice with the same parser, once
with the allowlist and once keeping every attribute of allowed elements. Where
the two differ, the difference is exactly what the allowlist removed. Elements
outside the allowlist are found by their start tags in the HTML (ammonia drops
some, such as <script>, under any configuration).
"""
from __future__ import annotations

from dataclasses import dataclass
import functools
import html
import posixpath
import re
import string
from urllib.parse import unquote, urlsplit

import nh3

from .html_tags import tokenize_into

# Elements that Markdown, its extensions (tables, footnotes, abbr, def_list,
# admonition, details, tasklist, superfences) and the knowledge base's macros produce.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre",
    "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
_GLOBAL_ATTRIBUTES = {"id", "class", "title", "lang", "dir"}
ALLOWED_ATTRIBUTES = {
    "*": _GLOBAL_ATTRIBUTES,
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "disabled", "checked"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# Classes of the extensions above (admonition types, footnotes, task lists, permalinks,
# code highlighting, whose Pygments token classes are one to three letters and a digit),
# the knowledge base's own `kb-*` classes and Material's content buttons and grids.
_ADMONITION_TYPES = (
    "note|abstract|summary|tldr|info|todo|tip|hint|important|success|check|done|question|help|faq|"
    "warning|caution|attention|failure|fail|missing|danger|error|bug|example|quote|cite|inline|end"
)
ALLOWED_CLASS = re.compile(
    r"^(?:kb-[a-z0-9-]+|admonition(?:-title)?|" + _ADMONITION_TYPES + r"|footnote(?:-ref|-backref)?|"
    r"task-list(?:-item|-control|-indicator)?|headerlink|highlight|highlighttable|linenos|linenodiv|"
    r"filename|language-[a-z0-9+#-]+|md-button(?:--primary)?|grid|cards?|[a-z]{1,3}[0-9]?)$"
)
# Python-Markdown's tables write the column alignment as an inline style; nothing else may.
_TABLE_ALIGN = re.compile(r"^\s*text-align:\s*(?:left|center|right);?\s*$")
# Ids that Material's own page elements use (`__drawer`, `__search`…) would be clobbered.
_RESERVED_ID = re.compile(r"^__(?!codelineno-|span-)")
# Ids end up outside the page body too: Material prints the table of contents' links
# (`href="#{{ id }}"`) without escaping, so an id is letters, digits, `-`, `_` and the
# `:` of footnotes (fn:1), nothing that could close an attribute or open a tag.
SAFE_ID = re.compile(r"^[\w\-:]+$")
# What browsers strip from a URL before reading its scheme: C0 controls and spaces at
# either end, tabs and newlines anywhere.
_URL_STRIP = "".join(chr(c) for c in range(0x21))
_URL_INNER = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def normalize_url(value: str) -> str:
    """A URL as a browser reads it for its scheme and host."""
    return _URL_INNER.sub("", value.strip(_URL_STRIP)).replace("\\", "/")


def _names_a_host(url: str) -> bool:
    """`//host/x` (and `\\\\host\\x`, read the same): from an offline bundle on file://
    a link to it opens a Windows share, which sends the reader's login hash to that host."""
    return url.startswith("//")


def is_site_local(value: str) -> bool:
    """A resource URL that stays inside the site folder: relative, no scheme, no host,
    not rooted (a rooted path leaves the folder of an offline bundle)."""
    url = normalize_url(value)
    return bool(url) and not _SCHEME.match(url) and not url.startswith("/")


_SOURCE_ATTRIBUTE = re.compile(r'\ssrc="([^"]*)"')


def sources_outside(cleaned_html: str, page_url: str) -> list[Finding]:
    """Resources of a sanitized page whose relative path climbs above the site's root
    (`../../../../etc/x.png`): opened from an offline bundle they load files outside it.
    `page_url` is the page's URL inside the site ("guide/", "" for the home page)."""
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    findings = []
    for match in _SOURCE_ATTRIBUTE.finditer(cleaned_html):
        source = html.unescape(match.group(1))
        path = unquote(urlsplit(normalize_url(source)).path)
        resolved = posixpath.normpath(posixpath.join(base or ".", path))
        if resolved == ".." or resolved.startswith("../"):
            findings.append(Finding(f"资源地址“{source[:60]}”指向网站目录之外", (source[:40], path.rsplit("/", 1)[-1] or path)))
    return findings


def is_allowed_link(value: str) -> bool:
    url = normalize_url(value)
    if _names_a_host(url):
        return False
    match = _SCHEME.match(url)
    return match is None or match.group(1).lower() in LINK_SCHEMES


def tooltip_text(value: str) -> str:
    """A `title` attribute's value as Material shows it: its tooltips (content.tooltips)
    put the text into the page with innerHTML, so the text itself must be escaped HTML,
    or `title="&lt;img onerror=…&gt;"` would run on hover. The browser decodes the
    attribute once, Material's innerHTML decodes this escaping once more: the reader
    sees the text as written."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "title":
        return tooltip_text(value)
    if attribute == "class":
        kept = [token for token in value.split() if ALLOWED_CLASS.match(token)]
        return " ".join(kept) or None
    if attribute == "style":
        return value if _TABLE_ALIGN.match(value) else None
    if attribute == "src":
        return value if is_site_local(value) else None
    if attribute == "href":
        return value if is_allowed_link(value) else None
    if attribute == "id":
        return value if SAFE_ID.match(value) and not _RESERVED_ID.match(value) else None
    if element == "input" and attribute == "type":
        return value if value.lower() == "checkbox" else None
    return value


_COMMON = dict(strip_comments=True, link_rel=None, clean_content_tags={"script", "style"})
_STRICT = nh3.Cleaner(
    tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_attribute_filter, url_schemes=set(LINK_SCHEMES), **_COMMON,
)
# Keeps every attribute and URL of allowed elements; the difference to _STRICT is what it removes.
_KNOWN_SCHEMES = {"http", "https", "mailto", "javascript", "vbscript", "data", "file", "ftp", "tel", "blob", "about"}
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# Starts only where a word starts: otherwise a long run of letters is rescanned from every letter.
_ANY_SCHEME = re.compile(r"(?<![a-zA-Z0-9+.\-])([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _keeping(page_html: str) -> nh3.Cleaner:
    # Schemes written with character references (&#102;oo:) count too, or the strict
    # cleaner would drop such a link without a finding.
    schemes = _KNOWN_SCHEMES | {m.lower() for text in (page_html, html.unescape(page_html)) for m in _ANY_SCHEME.findall(text)}
    return _keeping_cleaner(frozenset(schemes))


@functools.lru_cache(maxsize=64)
def _keeping_cleaner(schemes: frozenset[str]) -> nh3.Cleaner:
    # Made once per set of schemes: building a cleaner cost as much as using it, and most
    # pages name no scheme beyond the known ones.
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS), attributes={}, generic_attribute_prefixes=set(string.ascii_lowercase),
        url_schemes=set(schemes), attribute_filter=_keeping_filter, **_COMMON,
    )


def _keeping_filter(element: str, attribute: str, value: str) -> str | None:
    # Tooltip text is rewritten and class lists tidied, not refused: both cleaners do it,
    # so neither is a finding.
    if attribute == "title":
        return tooltip_text(value)
    if attribute == "class":
        return " ".join(value.split()) or None
    return value


@dataclass(frozen=True)
class Finding:
    """One thing the allowlist removes: what it is, and text to find it by in the source."""

    message: str
    # Texts to look for in the page's source, best first: the rendered HTML rarely
    # matches the source exactly (attr_list, templates and entities rewrite it).
    needles: tuple[str, ...]


def clean(page_html: str) -> tuple[str, list[Finding]]:
    """The page's HTML as published, and what the allowlist removed from it (empty when
    the page is fine). The returned HTML is safe whatever the findings are."""
    cleaned = _STRICT.clean(page_html)
    findings = []
    # Tags inside comments are text (nh3 drops comments); an unclosed comment runs to the end.
    outside_comments = _COMMENT.sub("", page_html)
    for name in dict.fromkeys(m.lower() for m in _START_TAG.findall(outside_comments)):
        if name not in ALLOWED_TAGS:
            findings.append(Finding(f"不允许的 HTML 标签 <{name}>", (f"<{name}", name)))
    kept = _keeping(page_html).clean(page_html)
    if kept != cleaned:
        findings += _attribute_differences(kept, cleaned)
    if not findings and kept != cleaned:
        findings.append(Finding("页面中有会被安全过滤改动的 HTML", ("<",)))
    return cleaned, findings


class _StartTags:
    """The start tags of HTML, with their attributes (a tokenize_into handler)."""

    def __init__(self):
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        pass

    def handle_data(self, data):
        pass


def _start_tags(cleaner_output: str) -> list[tuple[str, dict[str, str]]]:
    """Read with the project's tag reader (kb/html_tags.py): both strings compared are
    html5ever's serialisations, well formed and quoted."""
    tags = _StartTags()
    tokenize_into(tags, cleaner_output)
    return tags.tags


def _attribute_differences(kept: str, cleaned: str) -> list[Finding]:
    """Both strings come from the same HTML5 parser with the same elements allowed, so
    their elements pair up one to one; only attributes differ."""
    findings: dict[str, Finding] = {}
    for (tag, before), (_, after) in zip(_start_tags(kept), _start_tags(cleaned), strict=False):  # a mismatch is still reported, see clean()
        for name, value in before.items():
            if after.get(name) == value:
                continue
            if name == "class":
                removed = [t for t in value.split() if t not in after.get("class", "").split()]
                for token in removed:
                    findings.setdefault(f"class:{token}", Finding(f"不允许的 class“{token}”（在 <{tag}> 上）", (token,)))
            elif name in ("href", "src"):
                shown = value if len(value) <= 60 else value[:60] + "…"
                what = "链接地址" if name == "href" else "资源地址（只能引用本站内的相对路径）"
                findings.setdefault(f"{name}:{value}", Finding(f"不允许的{what}“{shown}”（在 <{tag}> 上）", (value.strip(_URL_STRIP)[:40], value.strip(_URL_STRIP)[:12])))
            elif name == "id" and not SAFE_ID.match(value):
                shown = value if len(value) <= 40 else value[:40] + "…"
                findings.setdefault(f"id:{value}", Finding(f"id“{shown}”只能由文字、数字、减号、下划线和冒号组成（在 <{tag}> 上）",
                                                            (f"#{value[:20]}", value[:20], "id=")))
            elif name == "id":
                findings.setdefault(f"id:{value}", Finding(f"以两个下划线开头的 id“{value[:40]}”由网站主题保留（在 <{tag}> 上）",
                                                            (f"#{value[:20]}", value[:20], "id=")))
            else:
                findings.setdefault(f"attr:{name}", Finding(f"不允许的 HTML 属性 {name}（在 <{tag}> 上）", (f"{name}=", value[:40], f"#{value[:40]}", name)))
    return list(findings.values())


def find_line(source: str, needles: tuple[str, ...], first_line: int = 1) -> int:
    """The 1-based line of `source` (which starts at `first_line`) where the first of
    `needles` that occurs first stands, case-insensitively; `first_line` when none does."""
    lowered = source.lower()
    for needle in needles:
        position = lowered.find(needle.lower()) if needle.strip() else -1
        if position >= 0:
            return first_line + source.count("\n", 0, position)
    return first_line
