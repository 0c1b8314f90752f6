"""The search index: what each page contributes to search, and the file the search reads.

Material's own index cuts every page into sections of HTML with jieba, joining the
words with zero-width spaces, and its lunr search matches words (or greedy pieces of
the query that happen to be index words) with a trailing wildcard. For Chinese that
ranks badly (三会一课 did not find its own glossary page first), finds single
characters (一岗双责 highlighted 一 in 一线) and misses words inside compounds
unless the segmenter cut there. The site therefore ships its own search worker
(`overrides/assets/javascripts/kb-search.js`, Material's worker protocol) that
matches what the reader typed as a substring of a page's text, and this module
writes the index it reads: one entry per page, plain text, no markup, no
segmentation marks.

What counts as a page's text (see `page_text`):

* the title, and for items the keys an editor or reader types for them: the ID, the
  short label (问题一) and a term's aliases, which weigh most;
* its own headings and text (which counts less on pages that are not items), without the parts the build adds around every item
  (breadcrumb, facts line, 关联内容, 来源) and without the output of listing macros
  (tables, checklists, the ledger): a summary page is found by its own name,
  headings and introduction, and the item text it repeats does not compete with the
  item pages;
* nothing from attributes (tooltips, link targets) or permalink signs.

`fold` is the normalisation the worker applies to the text and the query; it is
repeated here for the evaluation and the tests, and must stay identical.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import json
import re
import unicodedata

from .html_tags import tokenize_into

#: The class kb.site puts around the output of a listing macro.
LISTING_CLASS = "kb-listing"
#: The class of the box kb.item_page puts under an item's title (释义, 摘要…): its text is
#: the item's, its title a label repeated on every page of the type.
CALLOUT_CLASS = "kb-callout"
#: Classes of elements that are never a page's own text.
SKIPPED_CLASSES = frozenset({
    "headerlink",          # the permalink sign after every heading
    "kb-breadcrumb",       # 首页 › 问题清单 › …, added to every item page
    "kb-facts",            # 类型 … · 标签 …, added to every item page
    "kb-ref",              # 引用编号 …, the last line of every item page
    LISTING_CLASS,         # the output of a listing macro: tables, checklists, ledger
    "footnote-ref", "footnote-backref",
})
#: Sections the build appends to every item page: what an item links to is not its text.
#: They run to the next h1/h2, or to the footnotes, which Python-Markdown puts last.
SKIPPED_SECTION_IDS = frozenset({"kb-relations", "kb-source"})
FOOTNOTES_CLASS = "footnote"
#: How much a word in the text of a page that is not an item counts (the home page, the
#: guide, summary pages): they are about the site, the items are about the subject.
PAGE_TEXT_WEIGHT = 0.5
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "svg", "math"})
BLOCK_TAGS = frozenset({
    "p", "li", "dd", "dt", "td", "th", "tr", "div", "br", "blockquote", "pre", "table",
    "ul", "ol", "dl", "section", "details", "summary", "figure", "figcaption", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6",
})
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
VOID_TAGS = frozenset({"br", "hr", "img", "input", "wbr", "col", "area", "base", "embed", "link", "meta", "source", "track"})

_SPACES = re.compile(r"\s+")
# Soft line breaks inside a Chinese paragraph are not spaces a reader sees between words.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
# Zero-width characters and bidirectional controls: nothing a reader sees or types.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")


@dataclass
class PageText:
    headings: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    heading_one: str = ""  # the h1, which may differ from the title in the front matter

    @property
    def text(self) -> str:
        return "\n".join(self.blocks)


def clean_text(text: str) -> str:
    """One line of visible text: invisible characters dropped, spaces collapsed, and no
    space left between two Chinese characters (a soft line break in the source)."""
    text = _SPACES.sub(" ", INVISIBLE.sub("", text)).strip()
    return _SPACE_BETWEEN_CJK.sub("", text)


# What `page_text` reads is HTML the sanitizer wrote (kb/sanitize.py, html5ever's
# serialisation) with the engine's own parts put in: well formed, every "<" in text
# escaped, attribute values quoted. kb/html_tags.py reads it (Python's html.parser took
# most of the time of making a page's entry); tests/unit/test_search_text.py holds the two
# to each other on built pages, on hostile HTML and on random HTML.


class _TextCollector:
    """A page's text, headings and h1, from html.parser's handler calls (see tokenize_into)."""

    def __init__(self) -> None:
        self.result = PageText()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, of class CALLOUT_CLASS, skipped)
        self.open_counts: dict[str, int] = {}  # how many of each tag are on the stack
        self.callouts = 0  # open elements of class CALLOUT_CLASS
        self.skip_depth = 0
        self.in_skipped_section = False
        self.heading: list[str] | None = None
        self.block: list[str] = []

    def _flush(self) -> None:
        line = clean_text("".join(self.block))
        if line:
            self.result.blocks.append(line)
        self.block = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("h1", "h2") and not self.skip_depth:
            self.in_skipped_section = attributes.get("id") in SKIPPED_SECTION_IDS
        classes = set((attributes.get("class") or "").split())
        if FOOTNOTES_CLASS in classes and not self.skip_depth:
            self.in_skipped_section = False
        skipped = (tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)
                   or ("admonition-title" in classes and self.callouts > 0))
        if tag in BLOCK_TAGS:
            self._flush()
        if tag in VOID_TAGS:
            return
        callout = CALLOUT_CLASS in classes
        if callout:
            self.callouts += 1
        self.stack.append((tag, callout, skipped))
        self.open_counts[tag] = self.open_counts.get(tag, 0) + 1
        if skipped:
            self.skip_depth += 1
        elif tag in HEADING_TAGS and not callout and not self.skip_depth and not self.in_skipped_section:
            self.heading = []

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or not self.open_counts.get(tag):
            return
        while self.stack:
            open_tag, callout, skipped = self.stack.pop()
            self.open_counts[open_tag] -= 1
            if callout:
                self.callouts -= 1
            if skipped:
                self.skip_depth -= 1
            if open_tag in HEADING_TAGS and self.heading is not None and not self.skip_depth:
                heading = clean_text("".join(self.heading))
                if open_tag == "h1":
                    self.result.heading_one = self.result.heading_one or heading
                elif heading:
                    self.result.headings.append(heading)
                self.heading = None
            if open_tag == tag:
                break
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        if self.skip_depth or self.in_skipped_section:
            return
        if self.heading is not None:
            self.heading.append(data)
        else:
            self.block.append(data)

    def close(self):
        self._flush()


def page_text(page_html: str) -> PageText:
    """A page's own headings (h2–h6) and text blocks, from its rendered body HTML.
    The h1 is the title, which the index holds separately."""
    collector = _TextCollector()
    tokenize_into(collector, page_html)
    collector.close()
    return collector.result


def document(*, location: str, title: str, path: Iterable[str] = (), keys: Iterable[str] = (),
             page_html: str = "", summary: str = "", boost: int = 0, text_weight: float = PAGE_TEXT_WEIGHT) -> dict:
    """One page's index entry, with short field names (the index is fetched by every reader):
    l location, t title, p the titles of the sections above the page, k keys (with the h1
    when it is not the title: the home page is 首页 in the nav and 清廉建设知识库 on the
    page), h headings, x text (blocks separated by newlines), b what an exact title or key
    match adds, w the weight of the text when it is not 1. An item's one-line summary
    opens the text (a result matched by its title shows it) unless the page shows it."""
    text = page_text(page_html)
    summary = clean_text(summary)
    if summary and summary not in text.blocks:
        text.blocks.insert(0, summary)
    title = clean_text(title)
    entry: dict = {"l": location, "t": title}
    trail = [clean_text(part) for part in path if clean_text(part)]
    if trail:
        entry["p"] = trail
    all_keys = [text.heading_one, *keys]
    unique_keys = list(dict.fromkeys(k for k in (clean_text(key) for key in all_keys) if k and k != title))
    if unique_keys:
        entry["k"] = unique_keys
    headings = list(dict.fromkeys(h for h in text.headings if h != title))
    if headings:
        entry["h"] = headings
    if text.blocks:
        entry["x"] = text.text
    if boost:
        entry["b"] = boost
    if text_weight != 1:
        entry["w"] = text_weight
    return entry


def index_json(config: dict, docs: Iterable[dict]) -> str:
    """The file `search/search_index.json`: Material's search settings (its page
    highlighter reads `separator`) and the entries, UTF-8, without ASCII escapes."""
    data = {"config": config, "docs": list(docs)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# -- the worker's normalisation, for the evaluation and the tests --------------

def _fold_char(char: str) -> str:
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E:
        char = chr(code - 0xFEE0)
        return char.lower() if "A" <= char <= "Z" else char
    if code == 0x3000:
        return " "
    if 0x2E80 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF:
        folded = unicodedata.normalize("NFKC", char)
        # The worker counts UTF-16 units: an ideograph outside the BMP would be two.
        return folded if len(folded) == 1 and ord(folded) < 0x10000 else char
    if "A" <= char <= "Z":
        return char.lower()
    return char


def fold(text: str) -> str:
    """Full-width Latin, digits and punctuation to ASCII, Kangxi radicals and compatibility
    ideographs to the ideographs they look like, ASCII to lower case; one character for
    one character, so that positions in the folded text are positions in the original."""
    return "".join(_fold_char(char) for char in text)


#: The worker reads at most this many words of a query.
MAX_QUERY_TERMS = 8


def _is_word_character(char: str) -> bool:
    # The worker's /[\p{L}\p{N}\p{M}_\-]/u: letters, digits, combining marks, _ and -.
    # (Python 3.11 knows Unicode 14: ideographs added later, in CJK extensions H and I,
    # are separators here and letters in the browser; the evaluation never meets them.)
    return char in "_-" or unicodedata.category(char)[0] in "LNM"


def query_terms(query: str) -> list[str]:
    """The words of a query as the worker reads them: folded, split at spaces and
    punctuation, IDs (problem-04) kept whole."""
    parts, current = [], []
    for char in fold(query):
        if _is_word_character(char):
            current.append(char)
        elif current:
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    terms = (part.strip("-_") for part in parts)
    return list(dict.fromkeys(term for term in terms if term))[:MAX_QUERY_TERMS]
