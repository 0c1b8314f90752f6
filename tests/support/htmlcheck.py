"""Check a built site's HTML: every relative href/src resolves to a file in the site,
and every #fragment to an element id in its target page.

    from tests.support.htmlcheck import check_site
    assert check_site(site_dir) == []

Directory URLs resolve to their index.html. URLs with a scheme (https:, mailto:,
data:) and protocol-relative URLs are not checked. Root-absolute URLs ("/x/")
are reported, because the site must work from any folder and offline, except in
404.html, which mkdocs writes with root-absolute URLs on purpose (it is served
for any missing path) and where they are resolved from the site root.
"""
from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
import posixpath
from urllib.parse import unquote, urlsplit

URL_ATTRIBUTES = {"href", "src"}
ROOT_ABSOLUTE_ALLOWED = {"404.html"}


@dataclass(frozen=True)
class Reference:
    page: str  # site-relative path of the HTML file
    line: int
    tag: str
    attribute: str
    url: str


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[int, str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in URL_ATTRIBUTES:
                self.urls.append((self.getpos()[0], tag, name, value))

    handle_startendtag = handle_starttag


@dataclass
class _Page:
    ids: set[str]
    references: list[Reference]


def _parse(site: Path, rel: str) -> _Page:
    collector = _Collector()
    collector.feed((site / rel).read_text(encoding="utf-8"))
    collector.close()
    return _Page(collector.ids, [Reference(rel, line, tag, attr, url) for line, tag, attr, url in collector.urls])


def _target_file(site: Path, path: str) -> str | None:
    """Site-relative file a resolved URL path points to, or None if there is none."""
    candidate = site / path if path else site
    if candidate.is_dir():
        index = posixpath.join(path, "index.html") if path else "index.html"
        return index if (site / index).is_file() else None
    return path if candidate.is_file() else None


def check_site(site: Path | str) -> list[str]:
    """Every broken relative link or anchor in the site's HTML, as `page:line: <tag attr="url">: reason`."""
    site = Path(site)
    pages = {p.relative_to(site).as_posix(): None for p in sorted(site.rglob("*.html"))}
    parsed = {rel: _parse(site, rel) for rel in pages}
    problems = []
    for page in parsed.values():
        for ref in page.references:
            reason = _check_reference(site, parsed, ref)
            if reason:
                problems.append(f"{ref.page}:{ref.line}: <{ref.tag} {ref.attribute}=\"{ref.url}\">: {reason}")
    return problems


def _check_reference(site: Path, parsed: dict[str, _Page], ref: Reference) -> str | None:
    url = ref.url.strip()
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//"):
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        if ref.page not in ROOT_ABSOLUTE_ALLOWED:
            return "以 / 开头的绝对路径（站点放在子目录或离线打开时会失效）"
        resolved = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
    elif path:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(ref.page), path))
    else:
        resolved = ref.page
    if resolved == ".":
        resolved = ""
    if resolved.startswith(".."):
        return "指向站点目录之外"
    target = _target_file(site, resolved)
    if target is None:
        return f"目标文件不存在（{resolved or '/'}）"
    fragment = unquote(parts.fragment)
    if fragment and target.endswith(".html"):
        page = parsed.get(target) or _parse(site, target)
        if fragment not in page.ids:
            return f"锚点“#{fragment}”在 {target} 中不存在"
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.support.htmlcheck SITE…`: the pull-request workflow's link check of
    the built sites; one line per broken link, exit 1 if there is any."""
    import sys

    problems = [f"{site}/{problem}" for site in (argv if argv is not None else sys.argv[1:]) for problem in check_site(site)]
    for problem in problems:
        print(problem)
    print(f"链接检查：{len(problems)} 处失效" if problems else "链接检查通过")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
