"""Real projects in temporary folders, built by real mkdocs; the small knowledge base the
end-to-end tests share."""
from __future__ import annotations

from dataclasses import dataclass
import functools
import os
from pathlib import Path
import shutil
import subprocess
import sys
import textwrap
import zipfile

from kbtools.project import ENGINE_PARTS

REPO = Path(__file__).resolve().parents[2]
# What a build needs (the list the tools use for their own copies), plus the tools themselves.
PROJECT_PARTS = (*ENGINE_PARTS, "kbtools", "scripts")


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def html(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


def make_project(root: Path, files: dict[str, str | bytes] | None = None, *, docs: Path | None = None) -> Path:
    """A copy of the project's engine and config in `root`, with the given docs.

    `files` maps docs-relative paths to content; text is dedented; docs/assets
    comes along. With `docs`, that folder is copied first (the real site's docs
    by default when both are None).
    """
    root.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, root / part)
    docs_dir = root / "docs"
    if docs is not None:
        shutil.copytree(docs, docs_dir)
    elif files is None:
        shutil.copytree(REPO / "docs", docs_dir)
    docs_dir.mkdir(exist_ok=True)
    if files is not None and not (docs_dir / "assets").exists():
        # Stylesheets that mkdocs.yml lists (extra_css) come with every test knowledge base.
        shutil.copytree(REPO / "docs" / "assets", docs_dir / "assets")
    write_docs(docs_dir, files or {})
    return root


def write_docs(docs_dir: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (docs-relative path → content; text is dedented) under `docs_dir`."""
    for rel, content in files.items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return docs_dir


def load_kb(docs: Path, *, audience: str = "public", org: dict | None = None):
    """The knowledge base of a docs folder with this repository's settings (tags, defaults)."""
    from kb.settings import load_settings
    from kb.site import KnowledgeBase

    settings = load_settings(REPO, docs_dir=docs, site_name="测试知识库", extra={"org": org} if org else None, audience=audience,
                             reviewed_assets=reviewed_assets())
    return KnowledgeBase.load(settings)


@functools.cache
def reviewed_assets() -> tuple[str, ...]:
    """The stylesheets and scripts the repository's mkdocs.yml lists."""
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    return tuple(str(getattr(asset, "path", asset)) for asset in [*config.extra_css, *config.extra_javascript])


def run_mkdocs(project: Path, *args: str, env: dict | None = None, site: Path | None = None, timeout: int = 300,
               strict: bool = True) -> BuildResult:
    site = site or project / "site"
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000", "KB_VERSION": "test"}
    environment.pop("KB_AUDIENCE", None)
    environment.update(env or {})
    command = [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), "-d", str(site), *args]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, env=environment, timeout=timeout)
    return BuildResult(result.returncode, result.stdout + result.stderr, site)


def run_script(project: Path, script: str, *args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000", "KB_VERSION": "test"}
    environment.pop("KB_AUDIENCE", None)
    environment.update(env or {})
    return subprocess.run([sys.executable, str(project / "scripts" / script), *args], cwd=project,
                          capture_output=True, text=True, env=environment, timeout=timeout)


def unzipped_bundle(project: Path, target: Path) -> Path:
    """The trainers' offline bundle of `project` (scripts/bundle.py), unzipped under `target`:
    the one folder it holds."""
    archive = target / "离线包.zip"
    result = run_script(project, "bundle.py", "--output", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(target / "unzipped")
    (root,) = list((target / "unzipped").iterdir())
    return root


# The stylesheets mkdocs.yml lists (extra_css): a test knowledge base that writes its own
# docs/assets needs them, since mkdocs does not check extra_css and a page would link a
# missing file.
SITE_ASSETS = {f"assets/{path.name}": path.read_text(encoding="utf-8")
               for path in sorted((REPO / "docs" / "assets").glob("*.css"))}

# A small, complete knowledge base used by end-to-end tests.
MINIMAL_DOCS = {
    "index.md": """
        ---
        title: 首页
        ---
        # 测试知识库

        {{ count("problem") }} 个问题。[问题清单](problems/checklist.md)
        """,
    "reports/index.md": "---\ntitle: 报告\n---\n# 报告\n\n{{ type_index(\"report\") }}\n",
    "practices/index.md": "---\ntitle: 典型做法\n---\n# 典型做法\n\n{{ type_index(\"practice\") }}\n",
    "problems/index.md": "---\ntitle: 存在问题\n---\n# 存在问题\n\n{{ type_index(\"problem\") }}\n",
    "problems/checklist.md": "---\ntitle: 问题清单\n---\n# 问题清单\n\n{{ problem_checklist() }}\n",
    "measures/index.md": "---\ntitle: 整改措施\n---\n# 整改措施\n\n{{ type_index(\"measure\") }}\n",
    "measures/matrix.md": "---\ntitle: 对照\n---\n# 对照\n\n{{ problem_measure_matrix() }}\n",
    "measures/ledger.md": "---\ntitle: 整改台账\n---\n# 整改台账\n\n{{ ledger() }}\n",
    "measures/progress.md": "---\ntitle: 整改进展\n---\n# 整改进展\n\n{{ dashboard() }}\n",
    "self-check.md": "---\ntitle: 自查清单\n---\n# 自查清单\n\n{{ self_check() }}\n",
    "recent.md": "---\ntitle: 最近更新\n---\n# 最近更新\n\n{{ recent_changes(50) }}\n",
    "policies/index.md": "---\ntitle: 政策制度\n---\n# 政策制度\n\n{{ type_index(\"policy\") }}\n",
    "terms/index.md": "---\ntitle: 术语\n---\n# 术语\n\n{{ glossary() }}\n",
    "sessions/index.md": "---\ntitle: 培训专题\n---\n# 培训专题\n\n{{ item_list(\"session\") }}\n",
    "guide/index.md": "---\ntitle: 使用说明\n---\n# 使用说明\n\n## 培训离线包和讲义\n\n说明。\n",
    "guide/tags.md": "---\ntitle: 标签\n---\n# 标签\n\n{{ tag_index() }}\n",
    "guide/macros.md": "---\ntitle: 宏参考\n---\n# 宏参考\n\n见 CONTRIBUTING。\n",
    "reports/report-01.md": """
        ---
        id: report-01
        type: report
        title: 测试督导调研报告
        source: 测试报告 开头段
        policies: [policy-alpha]
        ---
        ## 基本情况

        {{ org.city }}市的督导调研。
        """,
    "policies/policy-alpha.md": """
        ---
        id: policy-alpha
        type: policy
        title: 阿尔法规定
        source: 测试报告 一、1
        kind: 规定
        summary: 一项测试规定
        terms: [term-yigang]
        ---
        ## 概述

        这是阿尔法规定。
        """,
    "practices/practice-01.md": """
        ---
        id: practice-01
        type: practice
        title: 召开动员部署会议
        source: 测试报告 一、1
        report: [report-01]
        policies: [policy-alpha]
        tags: [警示教育]
        ---
        ## 具体做法

        - 召开动员部署会议。
        - 组织观看警示片。
        """,
    "problems/problem-01.md": """
        ---
        id: problem-01
        type: problem
        title: 主体责任压力传导不够
        source: 测试报告 二、1
        report: [report-01]
        policies: [policy-alpha]
        terms: [term-yigang]
        updated: 2026-11-01
        ---
        ## 主要表现

        - 重业务，轻清廉建设。
        - 针对一岗双责多以口头强调为主。

        ## 原因分析

        压力传导执行力度不够。
        """,
    "measures/measure-01.md": """
        ---
        id: measure-01
        type: measure
        title: 强化担当，落实责任
        source: 测试报告 三、二是
        report: [report-01]
        problems:
          - id: problem-01
            editorial: 措施要求落实一岗双责，对应问题一。
        ---
        ## 工作要求

        严格落实领导班子成员职责。
        """,
    "terms/term-yigang.md": """
        ---
        id: term-yigang
        type: term
        title: 一岗双责
        definition: 领导干部既要抓好业务工作，又要抓好分管领域的党风廉政建设。
        source: 公开资料
        ---
        ## 释义

        释义正文。
        """,
}
