"""Old addresses keep working when a page moves.

Two reviewed files beside docs/ (not inside it, and not in data/, which every copy of the
engine takes along: they describe this site's docs and no other):

- `urls/published.txt`: every address the site has published, one per line (`/problems/problem-01/`);
- `urls/redirects.yml`: `旧页面.md: 新页面.md`, one line per page that moved.

Every published address must still be a page, or the old side of a redirect to one; otherwise
the check fails and says how to add the redirect. A redirect is a small page this module
writes, not mkdocs-redirects: that plugin puts its target unescaped into a script and an
attribute, accepts any http(s) target and writes `../` sources outside the site. Here both
sides must be page paths of the site (lowercase letters, digits, `-`, `_`), the target an
existing page of the build, so the page can only send the reader to this site.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import html
import json
from pathlib import Path
import posixpath
import re

import yaml

from .errors import ContentError

REDIRECTS_FILE = "urls/redirects.yml"
PUBLISHED_FILE = "urls/published.txt"
# A page of the site by its path in docs/: what the loader accepts as a file name, nothing more.
_PAGE_PATH = re.compile(r"(?:[a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_-]*\.md")
# A published address as the address bar shows it: /, /problems/, /problems/problem-01/.
_URL = re.compile(r"/(?:[a-z0-9][a-z0-9_-]*/)*")
_FORMAT_HINT = "每行写成 旧页面.md: 新页面.md，两边都是 docs 中的路径，例如 problems/problem-09.md: problems/problem-05.md"


@dataclass(frozen=True)
class Redirect:
    old: str  # docs path of the page that moved away
    new: str  # docs path of the page it is now
    line: int


@dataclass(frozen=True)
class Addresses:
    """The two files as read, with what is wrong with them."""
    redirects: tuple[Redirect, ...]
    published: tuple[tuple[str, int], ...]  # (address, line)
    errors: tuple[ContentError, ...]

    @classmethod
    def none(cls) -> Addresses:
        return cls((), (), ())


def page_url(path: str) -> str:
    """The address of a page with mkdocs' directory URLs, from the site's root:
    index.md → /, problems/index.md → /problems/, problems/problem-01.md → /problems/problem-01/."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return "/"
    return "/" + stem.removesuffix("/index") + "/"


def _pages_at(url: str) -> tuple[str, ...]:
    """The docs paths whose page has this address."""
    if url == "/":
        return ("index.md",)
    stem = url.strip("/")
    return (f"{stem}.md", f"{stem}/index.md")


def read(project_dir: Path, docs_dir: Path) -> Addresses:
    """The project's records, if they describe this docs folder (a test's or a bundle's
    copy of the engine has other pages and no records)."""
    project_dir = Path(project_dir)
    if Path(docs_dir).resolve() != (project_dir / "docs").resolve():
        return Addresses.none()
    errors: list[ContentError] = []
    redirects = _read_redirects(project_dir / REDIRECTS_FILE, errors)
    published = _read_published(project_dir / PUBLISHED_FILE, errors)
    return Addresses(tuple(redirects), tuple(published), tuple(errors))


def _read_redirects(path: Path, errors: list[ContentError]) -> list[Redirect]:
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        errors.append(ContentError(REDIRECTS_FILE, None, "文件不是 UTF-8 编码", "请在编辑器中选择“另存为 → 编码 UTF-8”"))
        return []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        errors.append(ContentError(REDIRECTS_FILE, mark.line + 1 if mark else None, "不是有效的 YAML", _FORMAT_HINT))
        return []
    if root is None or (isinstance(root, yaml.MappingNode) and not root.value):
        return []
    if not isinstance(root, yaml.MappingNode):
        errors.append(ContentError(REDIRECTS_FILE, root.start_mark.line + 1, "应为“旧页面.md: 新页面.md”的列表", _FORMAT_HINT))
        return []
    redirects: list[Redirect] = []
    seen: set[str] = set()
    for key, value in root.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            errors.append(ContentError(REDIRECTS_FILE, line, "每行只能写一个旧页面和一个新页面", _FORMAT_HINT))
            continue
        old, new = key.value.strip(), value.value.strip()
        bad = [side for side in (old, new) if not _PAGE_PATH.fullmatch(side)]
        if bad:
            errors.append(ContentError(
                REDIRECTS_FILE, line, f"“{bad[0][:80]}”不是本站页面的路径",
                "重定向只能从本站的一个页面指向另一个页面：写 docs 中以 .md 结尾的路径（小写字母、数字、减号），"
                "不能写网址、http:、javascript:、// 或 ..；" + _FORMAT_HINT))
        elif old in seen:
            errors.append(ContentError(REDIRECTS_FILE, line, f"旧页面“{old}”写了两次", "每个旧页面只能指向一个新页面，请删除多余的一行"))
        elif old == new:
            errors.append(ContentError(REDIRECTS_FILE, line, f"“{old}”指向它自己", "请写页面现在的位置"))
        else:
            seen.add(old)
            redirects.append(Redirect(old, new, line))
    return redirects


def _read_published(path: Path, errors: list[ContentError]) -> list[tuple[str, int]]:
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        errors.append(ContentError(PUBLISHED_FILE, None, "文件不是 UTF-8 编码", "请在编辑器中选择“另存为 → 编码 UTF-8”"))
        return []
    published = []
    for number, line in enumerate(lines, start=1):
        address = line.strip()
        if not address or address.startswith("#"):
            continue
        if not _URL.fullmatch(address):
            errors.append(ContentError(PUBLISHED_FILE, number, f"“{address[:80]}”不是本站的网址",
                                       "每行写一个以 / 开头和结尾的网址，例如 /problems/problem-01/"))
            continue
        published.append((address, number))
    return published


def check(addresses: Addresses, pages: Iterable[str], all_pages: Iterable[str]) -> list[ContentError]:
    """What is wrong with the records for a build showing `pages` (docs paths; `all_pages`
    also holds those of the other audience)."""
    pages, all_pages = set(pages), set(all_pages)
    errors = list(addresses.errors)
    working: set[str] = set()
    for redirect in addresses.redirects:
        if redirect.old in all_pages:
            errors.append(ContentError(REDIRECTS_FILE, redirect.line, f"旧页面 docs/{redirect.old} 仍然存在，重定向不会生效",
                                       "页面没有移走时请删除这一行；移走了页面时请确认旧文件已经删除"))
        elif redirect.new not in pages:
            errors.append(ContentError(REDIRECTS_FILE, redirect.line, f"重定向的目标 docs/{redirect.new} 不存在（或不在这个版本中）",
                                       "请写页面现在的路径；页面又移动过时，把目标改成它最新的位置"))
        else:
            working.add(redirect.old)
    for address, line in addresses.published:
        candidates = _pages_at(address)
        if any(path in pages or path in working for path in candidates):
            continue
        old = candidates[0]
        errors.append(ContentError(
            PUBLISHED_FILE, line, f"已发布的网址 {address} 现在既没有页面，也没有重定向，读者收藏的链接会失效",
            f"页面移动或改名后，请在 {REDIRECTS_FILE} 中加一行“{old}: 新的路径.md”（例如 {old}: problems/problem-05.md）；"
            f"确实要删除这个页面时，在拉取请求中说明理由，并从 {PUBLISHED_FILE} 中删去这一行"))
    return errors


def redirect_pages(addresses: Addresses, pages: Iterable[str]) -> dict[str, str]:
    """Site file → HTML of every working redirect of a build showing `pages`."""
    pages = set(pages)
    files = {}
    for redirect in addresses.redirects:
        if redirect.new in pages and redirect.old not in pages:
            old_url = page_url(redirect.old)
            files[old_url.lstrip("/") + "index.html"] = redirect_html(old_url, page_url(redirect.new))
    return files


def redirect_html(old_url: str, new_url: str) -> str:
    """A page at `old_url` sending the reader to `new_url` (both site addresses made by
    page_url), with the #anchor they came with."""
    relative = posixpath.relpath(new_url, old_url)
    href = "./" if relative == "." else relative + "/"
    attribute = html.escape(href, quote=True)
    script = json.dumps(href).replace("<", "\\u003c")
    return (
        "<!doctype html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>页面已移动</title>\n<meta name=\"robots\" content=\"noindex\">\n"
        f"<link rel=\"canonical\" href=\"{attribute}\">\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={attribute}\">\n"
        f"<script>location.replace({script} + location.hash)</script>\n</head>\n"
        f"<body>\n<p>本页面已移动到<a href=\"{attribute}\">新的位置</a>。</p>\n</body>\n</html>\n"
    )


def record(existing: str, pages: Iterable[str]) -> str:
    """The published record with the addresses of `pages` added, in order: addresses already
    there stay (one is taken out by hand, with a reason, never by a script)."""
    lines = [line.strip() for line in existing.splitlines() if line.strip()]
    comments = [line for line in lines if line.startswith("#")] or [
        "# 本站发布过的网址，每行一个。页面移动或改名后，旧网址要在 urls/redirects.yml 中重定向到新页面；",
        "# 新页面的网址由 python scripts/new.py 或 python scripts/record_urls.py 加在这里，不要手工删除。",
    ]
    addresses = {line for line in lines if not line.startswith("#")} | {page_url(path) for path in pages}
    return "\n".join([*comments, *sorted(addresses)]) + "\n"
