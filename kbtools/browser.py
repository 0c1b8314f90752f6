"""Material's search box in Debian's chromium (Playwright), and a folder served over HTTP:
shared by scripts/search_eval.py, the benchmark and the browser tests."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
import contextlib
import logging
import os
import time

log = logging.getLogger(__name__)

# Material for MkDocs shows this in the search result meta until its search
# worker reports ready ("search.result.initializer" in the zh / en language files).
SEARCH_INITIALIZER_TEXTS: tuple[str, ...] = ("正在初始化搜索引擎", "Initializing search")
# ... and this when a query has no match ("search.result.none").
SEARCH_NONE_TEXTS: tuple[str, ...] = ("没有找到符合条件的结果", "No matching documents")


@contextlib.contextmanager
def serve_folder(folder: str | os.PathLike) -> Iterator[str]:
    """Serve a built site over HTTP on a free local port; yields its base URL.
    Material's search needs HTTP (from file:// only the offline bundle's shim works)."""
    import functools
    import http.server
    import threading

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # one line per request would bury pytest's output
            pass

    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()



# --------------------------------------------------------------------------
# Material for MkDocs search
# --------------------------------------------------------------------------

SEARCH_INPUT = "input[data-md-component=search-query]"
SEARCH_META = "[data-md-component=search-result] .md-search-result__meta"
SEARCH_ITEM = "[data-md-component=search-result] .md-search-result__item"


def open_search(
    page,
    url: str | None = None,
    *,
    timeout_ms: float = 20_000,
    initializer_texts: Sequence[str] = SEARCH_INITIALIZER_TEXTS,
) -> None:
    """Go to ``url`` (if given), open Material's search box and wait for the index to load.

    Ready means the result meta no longer shows the "initializing" text.
    Raises playwright's TimeoutError if the search never becomes ready (e.g. the
    iframe-worker shim or search/search_index.js failed to load on file://).
    """
    if url is not None:
        page.goto(url, wait_until="load")
    page.wait_for_selector(SEARCH_INPUT, state="attached", timeout=timeout_ms)
    # Opening the dialog: Material toggles the hidden #__search checkbox; focusing
    # the input also opens it. Use the keyboard shortcut-free path.
    page.evaluate(
        """() => { const t = document.getElementById('__search');
                   if (t && !t.checked) { t.checked = true; t.dispatchEvent(new Event('change')); } }"""
    )
    page.focus(SEARCH_INPUT)
    page.wait_for_function(
        """([sel, inits]) => { const m = document.querySelector(sel);
                               if (!m) return false;
                               const t = m.textContent.trim();
                               return t.length > 0 && !inits.includes(t); }""",
        arg=[SEARCH_META, list(initializer_texts)],
        timeout=timeout_ms,
    )
    log.debug("search ready on %s", page.url)


def search_titles(
    page,
    query: str,
    *,
    timeout_ms: float = 10_000,
    settle_ms: int = 300,
    none_texts: Sequence[str] = SEARCH_NONE_TEXTS,
) -> list[str]:
    """Type ``query`` into the (ready) search box; return the result titles, in order.

    Titles are the page title (h1) of each result group followed by its
    matching sections (h2), as Material renders them. Returns [] when Material
    reports no match.

    Material reads the query on ``keyup`` only. Playwright types non-ASCII text
    (Chinese) with insertText, which fires ``input`` but no key events, so we
    fill the box and then press End to produce the keyup a real IME would.
    """
    page.fill(SEARCH_INPUT, query)
    page.press(SEARCH_INPUT, "End")
    page.wait_for_function(
        """([item, meta, nones]) => {
              if (document.querySelector(item)) return true;
              const m = document.querySelector(meta);
              return !!m && nones.includes(m.textContent.trim());
           }""",
        arg=[SEARCH_ITEM, SEARCH_META, list(none_texts)],
        timeout=timeout_ms,
    )
    page.wait_for_timeout(settle_ms)  # results render incrementally
    titles = page.eval_on_selector_all(
        f"{SEARCH_ITEM} article h1, {SEARCH_ITEM} article h2",
        "els => els.map(e => e.textContent.trim())",
    )
    log.debug("search %r -> %s", query, titles)
    return titles


# Material's result meta before anything is typed ("search.result.placeholder").
SEARCH_PLACEHOLDER_TEXTS: tuple[str, ...] = ("键入以开始搜索", "Type to start searching")

_READ_RESULTS = """els => els.map(item => {
    const link = item.querySelector("a.md-search-result__link");
    const article = item.querySelector("article");
    const title = article && article.querySelector("h1");
    const path = article && article.querySelector(".kb-search-path");
    const snippet = article && article.querySelector(".kb-search-snippet");
    return {
        title: title ? title.textContent : "",
        href: link ? link.getAttribute("href") : "",
        path: path ? path.textContent : "",
        snippet: snippet ? snippet.textContent : "",
        marks: article ? [...article.querySelectorAll("mark")].map(m => m.textContent) : [],
    };
})"""


def search_results(page, query: str, *, timeout_ms: float = 10_000) -> tuple[list[dict], float]:
    """Type ``query`` into the (ready) search box; return the results as a reader sees them
    (title, link, path line, sentence, highlighted words) and the seconds from typing to
    the results being shown.

    The box is emptied first, so that the answer to this query is told apart from the
    last one by Material's result meta leaving its placeholder text."""
    page.fill(SEARCH_INPUT, "")
    page.press(SEARCH_INPUT, "End")
    page.wait_for_function(
        "([meta, texts]) => { const m = document.querySelector(meta); return !!m && texts.includes(m.textContent.trim()); }",
        arg=[SEARCH_META, list(SEARCH_PLACEHOLDER_TEXTS)], timeout=timeout_ms,
    )
    started = time.perf_counter()
    page.fill(SEARCH_INPUT, query)
    page.press(SEARCH_INPUT, "End")
    page.wait_for_function(
        "([meta, texts]) => { const m = document.querySelector(meta); return !!m && !texts.includes(m.textContent.trim()); }",
        arg=[SEARCH_META, list(SEARCH_PLACEHOLDER_TEXTS)], timeout=timeout_ms,
    )
    seconds = time.perf_counter() - started
    results = page.eval_on_selector_all(SEARCH_ITEM, _READ_RESULTS)
    log.debug("search %r -> %s", query, [r["title"] for r in results])
    return results, seconds


def result_count(page) -> int:
    """How many results Material says it found (it shows them ten at a time)."""
    meta = page.text_content(SEARCH_META) or ""
    digits = "".join(char for char in meta if char.isdigit())
    return int(digits) if digits else 0  # "没有找到符合条件的结果" has none
