"""The theme's primary navigation, rendered once for all the pages that would get the same.

Material renders its whole navigation (partials/nav.html, nav-item.html) into every page:
0.9 s of a 14 s build at 2,000 items, 0.04 s with this cache. What that HTML reads
(Material 9.8):

- the build: the nav's entries (titles, URLs, `meta`), mkdocs.yml (site_name, repo_url,
  extra.homepage, extra.status, theme logo and icons, features, language). The same for
  every page of one build, and a NavCache lives for one build: macros/hooks.py makes a new
  one in on_env, so `mkdocs serve` starts empty after every change.
- the page's place in the nav: the entry that *is* the page (`nav_item == page`, which
  also prints the page's table of contents) and the sections above it (`active`). A page
  whose file is in the nav, or one built while any entry is marked active, is not cached
  (its own link, `./`, would set its key apart anyway).
- the page's address: every link goes through mkdocs' `url` filter, relative to the page.
  The key is those links as this page prints them, so two pages share a navigation exactly
  when all its links come out the same. Item pages in one folder do; pages at the same depth
  in different folders do not (`../` against `../../reports/`).

Plain Python: the nav's entries are read by their attributes, and the relative URL is
mkdocs' own function, which the hook passes in.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

# Set to "off", every page renders its own navigation (the tests build both ways and compare).
SWITCH = "KB_NAV_CACHE"
# A bound on the renderings kept: one per folder of item pages is the expected count.
MAX_ENTRIES = 256


class NavCache:
    def __init__(self, relative_url: Callable[[str, object], str], *, extra_targets: Iterable[object] = (),
                 environ: Mapping[str, str] | None = None):
        """`relative_url(target, page)` is what the theme's `url` filter prints for `target`
        on `page`; `extra_targets` are the other addresses the navigation prints through it
        (mkdocs.yml's extra.homepage, the theme's logo)."""
        self.enabled = (environ or {}).get(SWITCH, "").strip().lower() != "off"
        self._relative_url = relative_url
        self._extra_targets = tuple(str(target) for target in extra_targets if target)
        self._nav: object = None
        self._entries: tuple = ()
        self._targets: tuple[str, ...] = ()
        self._files_in_nav: frozenset[str] = frozenset()
        self._supported = False
        self._rendered: dict[tuple[str, ...], str] = {}
        self.reused = 0

    def key(self, page, nav) -> tuple[str, ...] | None:
        """What the navigation of `page` depends on beyond the build, or None when it is not
        to be cached (the page is in the nav, an entry is active, or the nav is of a kind
        this module does not know)."""
        if not self.enabled or page is None or nav is None:
            return None
        if nav is not self._nav:
            self._learn(nav)
        source = getattr(getattr(page, "file", None), "src_uri", None)
        if not self._supported or source is None or source in self._files_in_nav:
            return None
        if any(entry.active for entry in self._entries):
            return None
        return tuple(self._relative_url(target, page) for target in self._targets)

    def has(self, key: tuple[str, ...] | None) -> bool:
        return key is not None and key in self._rendered

    def get(self, key: tuple[str, ...]) -> str:
        self.reused += 1
        return self._rendered[key]

    def put(self, key: tuple[str, ...] | None, html: str) -> str:
        """Keep `html` for the pages of `key` (None: not cached); returns `html`."""
        if key is not None and len(self._rendered) < MAX_ENTRIES:
            self._rendered[key] = html
        return html

    def report(self) -> str:
        """For the build's debug log (`mkdocs build -v`): how much rendering was saved."""
        state = "on" if self.enabled else f"off ({SWITCH})"
        return f"navigation cache {state}: {len(self._rendered)} renderings kept, reused on {self.reused} pages"

    def _learn(self, nav) -> None:
        self._nav, self._rendered = nav, {}
        entries = tuple(_walk(getattr(nav, "items", None) or ()))
        # Material's blog views carry their own `pages`, which nav-item.html compares with the page.
        self._supported = all(hasattr(entry, "active") and not hasattr(entry, "pages") for entry in entries)
        self._entries = entries
        self._files_in_nav = frozenset(
            entry.file.src_uri for entry in entries if getattr(getattr(entry, "file", None), "src_uri", None))
        homepage = getattr(getattr(nav, "homepage", None), "url", None)
        targets = [str(entry.url) for entry in entries if getattr(entry, "url", None) is not None]
        self._targets = tuple(dict.fromkeys([*([str(homepage)] if homepage is not None else []), *targets,
                                             *self._extra_targets]))


def _walk(entries):
    for entry in entries:
        yield entry
        yield from _walk(getattr(entry, "children", None) or ())
