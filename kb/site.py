"""The knowledge base for one build: content, index, checks, and page rendering.

Glue for any generator (mkdocs today) creates one `KnowledgeBase` per build
and asks it for everything; scripts use the same entry point.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
import os
from pathlib import Path
import subprocess

from . import model, render, sanitize, templating
from .errors import ContentError, ContentErrors
from .exports import EXPORT_FILES
from .glossary import TermMark, mark_terms
from .index import ContentIndex
from .links import check_links
from .loader import Content, load_content, load_tags

AUDIENCE_ENV = "KB_AUDIENCE"

MACRO_NAMES = (
    "link", "type_index", "item_list", "problem_checklist", "problem_measure_matrix",
    "glossary", "self_check", "recent_changes", "tag_index", "ledger", "count",
)
VARIABLE_NAMES = ("org", "site_name", "build")


# A file in every build saying which audience the folder holds, so that a deploy script
# (scripts/build.py) or a person can tell an internal site from a public one.
AUDIENCE_MARKER = "kb-audience.txt"
AUDIENCE_NAMES = {"public": "公开版", "internal": "内部版（仅限内部）"}


def audience_marker(audience: str, info: BuildInfo) -> str:
    """The marker file's text: the audience on the first line, for scripts; then for people."""
    return f"{audience}\n本目录是清廉建设知识库的{AUDIENCE_NAMES[audience]}，{info.notice}。\n"


def read_audience_marker(site_dir: Path) -> str | None:
    """The audience a built folder holds, from its marker file; None if it has none."""
    marker = Path(site_dir) / AUDIENCE_MARKER
    if not marker.is_file():
        return None
    with open(marker, encoding="utf-8") as handle:
        first = handle.readline().strip()
    return first if first in model.AUDIENCES else None


def audience_from_env(environ=os.environ) -> str:
    value = environ.get(AUDIENCE_ENV, "").strip() or model.DEFAULT_AUDIENCE
    if value not in model.AUDIENCES:
        raise ContentErrors([ContentError("环境变量 KB_AUDIENCE", None, f"不认识的值“{value}”", "只能是 public（默认）或 internal")])
    return value


@dataclass(frozen=True)
class BuildInfo:
    date: str
    version: str
    timestamp: dt.datetime

    def as_dict(self) -> dict:
        return {"date": self.date, "version": self.version}

    @property
    def notice(self) -> str:
        """The line every page's footer, the offline bundle and the handout carry."""
        return f"构建于 {self.date} · 版本 {self.version} · 内容以在线版为准"


def build_info(project_dir: Path, environ=os.environ) -> BuildInfo:
    """Build date and version from SOURCE_DATE_EPOCH or the last commit, never the clock,
    so two builds of one commit are byte-identical."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    version = environ.get("KB_VERSION", "")
    if not epoch or not version:
        commit = _git(project_dir, "log", "-1", "--format=%ct %h")
        if commit:
            commit_epoch, commit_hash = commit.split()
            epoch = epoch or commit_epoch
            version = version or commit_hash
    if not epoch:
        # Outside a git checkout with no SOURCE_DATE_EPOCH there is nothing better than the clock.
        epoch = str(int(dt.datetime.now(tz=dt.UTC).timestamp()))
    stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return BuildInfo(date=stamp.date().isoformat(), version=version or "未提交版本", timestamp=stamp)


def page_history(docs_dir: Path, limit: int = 200) -> list[tuple[str, str]]:
    """(commit date, docs-relative path) of recently committed page changes, newest first.

    Read from git so that "recent changes" needs no hand-kept list and two builds
    of one commit agree; empty outside a git checkout."""
    log = _git(docs_dir, "log", f"-n{limit}", "--format=@%cs", "--name-only", "--no-renames", "--", ".")
    prefix = _git(docs_dir, "rev-parse", "--show-prefix")
    history, date = [], ""
    for line in log.splitlines():
        if line.startswith("@"):
            date = line[1:]
        elif line.strip() and line.startswith(prefix) and line.endswith(".md"):
            history.append((date, line[len(prefix):]))
    return history


def _git(project_dir: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=project_dir, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _bound(function, *bound):
    """`function` with its first arguments fixed, as a plain closure.

    Not functools.partial: a partial's public `.func` and `.args` would hand a
    page template the content index (`{{ link.args[0].content.docs_dir... }}`),
    and through it files on disk and internal items; a closure exposes only
    underscore attributes, which the sandbox refuses."""
    def call(*args, **kwargs):
        return function(*bound, *args, **kwargs)
    return call


@dataclass
class KnowledgeBase:
    content: Content
    index: ContentIndex
    org: dict
    site_name: str
    info: BuildInfo
    history: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, docs_dir: Path | str, *, audience: str, tags_file: Path | str | None = None,
             org: dict | None = None, site_name: str = "", info: BuildInfo | None = None) -> KnowledgeBase:
        """Load, validate and index everything; raise ContentErrors if anything is wrong."""
        docs_dir = Path(docs_dir)
        tags = load_tags(Path(tags_file)) if tags_file else {}
        merged_org = {**model.REDACTION_DEFAULTS, **{k: str(v) for k, v in (org or {}).items()}}
        content = load_content(docs_dir, tags=tags, variables=merged_org)
        index = ContentIndex(content, audience)
        kb = cls(content, index, merged_org, site_name, info or build_info(docs_dir.parent), page_history(docs_dir))
        errors = list(content.errors)
        errors += kb.check_pages()
        if errors:
            raise ContentErrors(errors)
        return kb

    def check_pages(self) -> list[ContentError]:
        """Checks of the source that need no rendering: template code and links."""
        errors: list[ContentError] = []
        excluded = self.index.excluded_paths()
        names = self.names_for("index.md")
        macros = {name for name in MACRO_NAMES}
        variables = {name: names[name] for name in VARIABLE_NAMES}
        for path, page in self.content.pages.items():
            body, first = page.source.body, page.source.body_line
            errors += templating.check_template(body, path=path, first_line=first, macros=macros, variables=variables)
        errors += check_links(self.content, excluded=excluded, generated=frozenset(EXPORT_FILES))
        return errors

    def page_markdown(self, path: str) -> str:
        """The page's Markdown as the loader read it: the body after the front matter."""
        return self.content.pages[path].source.body

    def theme_meta(self, path: str) -> dict:
        """The front matter the theme may read, as plain validated values."""
        page = self.content.pages[path]
        meta = dict(page.theme_meta)
        item = self.index.by_path.get(path)
        if item is not None:
            meta["title"] = item.title
        return meta

    def finish_html(self, path: str, page_html: str, href_for) -> tuple[str, list[ContentError]]:
        """The published HTML of a page: glossary terms marked, then everything passed
        through the allowlist sanitizer. Whatever the sanitizer removed is returned as
        errors naming the line of the page's source where it stands."""
        marked = mark_terms(page_html, self.term_marks(path, href_for))
        cleaned, findings = sanitize.clean(marked)
        page = self.content.pages.get(path)
        body, first = (page.source.body, page.source.body_line) if page else ("", 1)
        errors = [
            ContentError(path, sanitize.find_line(body, finding.needles, first), f"页面中有不安全或不支持的内容：{finding.message}",
                         "知识库页面只能使用 Markdown 和常用的排版标签；会执行脚本、加载外部资源或改动页面样式的写法会被拒绝，请删除它")
            for finding in findings
        ]
        return cleaned, errors

    # -- pages ---------------------------------------------------------------

    def names_for(self, path: str) -> dict[str, object]:
        """The macros and variables a page may use, bound to that page."""
        i = self.index
        functions = {
            "link": _bound(render.link_by_id, i, path),
            "type_index": _bound(render.type_index, i, path),
            "item_list": _bound(render.item_list, i, path),
            "problem_checklist": _bound(render.problem_checklist, i, path),
            "problem_measure_matrix": _bound(render.problem_measure_matrix, i, path),
            "glossary": _bound(render.glossary, i, path),
            "self_check": _bound(render.self_check, i, path),
            "recent_changes": lambda limit=8: render.recent_changes(i, path, limit, history=self.history),
            "tag_index": _bound(render.tag_index, i, path),
            "ledger": _bound(render.ledger, i, path),
            "count": lambda type_name: len(i.of_type(type_name)),
        }
        assert set(functions) == set(MACRO_NAMES)
        return templating.bind(functions, org=dict(self.org), site_name=self.site_name, build=self.info.as_dict())

    def render_page(self, path: str, markdown: str) -> str:
        """Final Markdown of a page: sandboxed template, plus header and relations for items."""
        page = self.content.pages.get(path)
        first_line = page.source.body_line if page else 1
        body = templating.render(markdown, path=path, first_line=first_line, names=self.names_for(path))
        item = self.index.by_path.get(path)
        if item is None:
            return body
        parts = [render.page_header(self.index, item), body]
        if item.type == "session":
            parts.append(render.session_landing(self.index, item))
        parts.append(render.page_footer(self.index, item))
        return "\n".join(parts)

    def glossary_terms(self) -> list[model.Item]:
        return self.index.of_type("term")

    def term_marks(self, page_path: str, href_for) -> list[TermMark]:
        """The glossary terms to mark on a page (not the term's own page); `href_for`
        turns a docs path into a URL relative to the page."""
        return [
            TermMark(surface, href_for(term.path), term.get("definition"))
            for term in self.glossary_terms() if term.path != page_path
            for surface in [term.title, *(term.get("aliases") or [])]
        ]

    def glossary_words(self) -> list[str]:
        """Every surface form of every visible term: titles and aliases."""
        return [word for term in self.glossary_terms() for word in [term.title, *(term.get("aliases") or [])]]
