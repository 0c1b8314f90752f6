"""The editor and deploy scripts: new.py, check.py, build.py, bench.py, run as editors run them
(a subprocess in a copy of the project), and CONTRIBUTING.md kept in step with the model."""
from __future__ import annotations

import json
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

from kb import model
from tests.support.project import MINIMAL_DOCS, REPO, make_project, run_mkdocs, run_script

MINIMAL_ITEMS = 6  # typed pages in MINIMAL_DOCS


def output(result) -> str:
    return result.stdout + result.stderr


def assert_clean(result) -> None:
    assert "Traceback" not in output(result), output(result)


# -- new.py --------------------------------------------------------------------------


def test_new_pages_pass_check_and_build(minimal_project: Path):
    project = minimal_project
    created = []
    for args in (
        ("problem", "新问题：责任落实不到位", "--report", "report-01", "--tags", "主体责任"),
        ("measure", "新措施", "--problems", "problem-01,problem-02"),
        ("practice", "新做法", "--policies", "policy-alpha"),
        ("report", "第二份报告"),
        ("policy", "新政策", "--id", "policy-beta", "--kind", "文件"),
        ("term", "廉政档案", "--id", "term-lianzheng-dangan"),
        ("session", "新入职干部培训", "--id", "session-induction", "--date", "2026-03-01"),
    ):
        result = run_script(project, "new.py", *args)
        assert result.returncode == 0, output(result)
        assert_clean(result)
        created.append(result.stdout.strip())
    assert created == [
        "docs/problems/problem-02.md", "docs/measures/measure-02.md", "docs/practices/practice-02.md",
        "docs/reports/report-02.md", "docs/policies/policy-beta.md", "docs/terms/term-lianzheng-dangan.md",
        "docs/sessions/session-induction.md",
    ]
    problem = (project / created[0]).read_text(encoding="utf-8")
    for key in ("id: problem-02", "type: problem", "title: 新问题：责任落实不到位", "source:", "report: [report-01]",
                "tags: [主体责任]", "## 主要表现", "## 原因分析", "TODO"):
        assert key in problem, key
    assert "problems: [problem-01, problem-02]" in (project / created[1]).read_text(encoding="utf-8")

    check = run_script(project, "check.py")
    assert check.returncode == 0, output(check)
    assert f"检查通过：{len(MINIMAL_DOCS) + len(created)} 个页面，{MINIMAL_ITEMS + len(created)} 个条目" in output(check)
    assert "docs/problems/problem-02.md:7:9: ZH201 警告：还有待填写的内容（TODO）" in output(check)
    strict = run_script(project, "check.py", "--strict")
    assert strict.returncode == 1, output(strict)

    # The build says the same: a warning it goes on after, one a strict build stops on.
    strict_build = run_mkdocs(project)
    assert not strict_build.ok and "docs/problems/problem-02.md:7:9: ZH201 警告：还有待填写的内容（TODO）" in strict_build.output
    build = run_mkdocs(project, strict=False)
    assert build.ok, build.output
    assert "WARNING -  docs/problems/problem-02.md:7:9: ZH201 警告：还有待填写的内容（TODO）" in build.output
    page = build.html("problems/problem-02/index.html")
    assert "新问题：责任落实不到位" in page and "主要表现" in page
    assert "新措施" in build.html("problems/problem-01/index.html")  # backlink from the new measure
    assert "廉政档案" in build.html("terms/index.html")


@pytest.mark.parametrize("title", ["2026-02-30", "2024", "<img src=x onerror=alert(1)> & \"引号\"", "yes", "[一, 二]", "# 井号", "null"])
def test_new_writes_any_title_as_text(minimal_project: Path, title: str):
    """Titles YAML would read as a date that does not exist, a number, a list, a comment
    or HTML: new.py quotes them, the page passes the checks and shows the title as typed."""
    result = run_script(minimal_project, "new.py", "problem", title, "--report", "report-01")
    assert result.returncode == 0, output(result)
    assert_clean(result)
    created = minimal_project / result.stdout.strip()
    meta = yaml.safe_load(created.read_text(encoding="utf-8").split("---")[1])
    assert meta["title"] == title


def test_new_measure_requires_problems(minimal_project: Path):
    result = run_script(minimal_project, "new.py", "measure", "没有对应问题的措施")
    assert result.returncode == 1
    assert "--problems problem-01,problem-02" in result.stderr
    assert not (minimal_project / "docs" / "measures" / "measure-02.md").exists()
    assert_clean(result)


def test_new_rejects_bad_ids_and_unknown_targets(minimal_project: Path):
    cases = [
        (("policy", "没有编号的政策"), "请用 --id 给出编号"),
        (("term", "术语", "--id", "Term_Bad"), "格式不对"),
        (("term", "术语", "--id", "yigang"), "应以 term- 开头"),
        (("problem", "问题", "--policies", "policy-nope"), "“policy-nope”不存在"),
        (("problem", "问题", "--policies", "term-yigang"), "“term-yigang”是术语"),
        (("problem", "问题", "--tags", "没登记的标签"), "没有在 data/tags.yml 中登记"),
        (("session", "培训", "--id", "session-a", "--date", "2026-02-30"), "不是有效日期"),
        (("term", "术语", "--id", "term-a", "--date", "2026-02-03"), "--date 只用于 session 页面"),
    ]
    for args, message in cases:
        result = run_script(minimal_project, "new.py", *args)
        assert result.returncode == 1, (args, output(result))
        assert message in result.stderr, (args, result.stderr)
        assert_clean(result)
    assert sorted(p.name for p in (minimal_project / "docs" / "problems").iterdir()) == ["checklist.md", "index.md", "problem-01.md"]


def test_new_refuses_to_overwrite(minimal_project: Path):
    # A page that exists under the chosen name but cannot be read (so its id is unknown).
    stray = minimal_project / "docs" / "terms" / "term-new.md"
    stray.write_text("---\nid: term-new\ntitle: [未闭合\n---\n", encoding="utf-8")
    result = run_script(minimal_project, "new.py", "term", "新术语", "--id", "term-new")
    assert result.returncode == 1
    assert "已经存在，不会覆盖" in result.stderr
    assert stray.read_text(encoding="utf-8") == "---\nid: term-new\ntitle: [未闭合\n---\n"

    # An id already in use, under any type.
    result = run_script(minimal_project, "new.py", "policy", "重名", "--id", "policy-alpha")
    assert result.returncode == 1
    assert "已被 docs/policies/policy-alpha.md 使用" in result.stderr

    # Running the same command twice never replaces the first page.
    first = run_script(minimal_project, "new.py", "term", "另一个术语", "--id", "term-other")
    assert first.returncode == 0, output(first)
    path = minimal_project / first.stdout.strip()
    path.write_text(re.sub(r"(?m)^definition: .*$", "definition: 编辑写好的释义", path.read_text(encoding="utf-8")), encoding="utf-8")
    again = run_script(minimal_project, "new.py", "term", "另一个术语", "--id", "term-other")
    assert again.returncode == 1
    assert "编辑写好的释义" in path.read_text(encoding="utf-8")


def test_new_never_reuses_a_number(minimal_project: Path):
    # problem-03 exists (problem-02 was deleted): the next number is 04, not 02.
    page = textwrap.dedent(MINIMAL_DOCS["problems/problem-01.md"]).lstrip("\n").replace("problem-01", "problem-03")
    (minimal_project / "docs" / "problems" / "problem-03.md").write_text(page, encoding="utf-8")
    result = run_script(minimal_project, "new.py", "problem", "又一个问题")
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == "docs/problems/problem-04.md"


# -- check.py ------------------------------------------------------------------------


def test_check_strict_passes_real_docs(tmp_path: Path):
    """CI runs the editors' check on the real knowledge base: no errors, no TODO left, no
    half-width punctuation between Chinese characters."""
    project = make_project(tmp_path / "project")
    result = run_script(project, "check.py", "--strict")
    assert result.returncode == 0, output(result)
    assert "检查通过" in result.stderr


def test_check_passes_minimal_docs(minimal_project: Path):
    result = run_script(minimal_project, "check.py")
    assert result.returncode == 0, output(result)
    assert f"检查通过：{len(MINIMAL_DOCS)} 个页面，{MINIMAL_ITEMS} 个条目" in result.stderr
    assert "警告" not in result.stderr


BROKEN_PROBLEM = """\
---
id: problem-02
type: problem
title: 坏问题
tag: [主体责任]
source: 测试报告 二、2
---
## 主要表现

- 表现。

## 原因分析

原因。
"""


def test_check_names_file_and_line(tmp_path: Path):
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, "problems/problem-02.md": BROKEN_PROBLEM})
    result = run_script(project, "check.py")
    assert result.returncode == 1
    assert "docs/problems/problem-02.md:5: 未知的键“tag”（是不是想写 tags？）" in result.stderr
    assert "检查未通过：发现 1 处错误" in result.stderr
    assert_clean(result)


def test_check_reports_content_errors_without_traceback(tmp_path: Path):
    gbk = textwrap.dedent(MINIMAL_DOCS["problems/problem-01.md"]).lstrip("\n").encode("gb18030")
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, "problems/problem-01.md": gbk})
    result = run_script(project, "check.py")
    assert result.returncode == 1
    assert re.search(r"docs/problems/problem-01\.md:\d+: 文件不是 UTF-8 编码", result.stderr), result.stderr
    assert_clean(result)

    # A macro with an unknown id only fails when the page renders; check.py renders every page.
    project = make_project(tmp_path / "render", {**MINIMAL_DOCS, "guide/tags.md": "---\ntitle: 标签\n---\n# 标签\n\n{{ link(\"problem-77\") }}\n"})
    result = run_script(project, "check.py")
    assert result.returncode == 1
    assert "docs/guide/tags.md:6: 宏调用出错：找不到编号“problem-77”" in result.stderr
    assert_clean(result)


def test_check_reports_broken_settings_without_traceback(minimal_project: Path):
    tags = minimal_project / "data" / "tags.yml"
    tags.write_text("主体责任: 说明\n 监督执纪: 说明: 多余的冒号\n", encoding="utf-8")
    result = run_script(minimal_project, "check.py")
    assert result.returncode == 1
    assert "data/tags.yml:2: 不是有效的 YAML" in result.stderr
    assert_clean(result)

    tags.write_text("主体责任: 说明\n", encoding="utf-8")
    config = minimal_project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  org: {}", "  org:\n    city:"), encoding="utf-8")
    result = run_script(minimal_project, "check.py")
    assert result.returncode == 1
    assert re.search(r"mkdocs\.yml:\d+: extra\.org\.city 没有填写", result.stderr), result.stderr
    assert_clean(result)

    config.write_text("site_name: 测试\n  nav: : :\n", encoding="utf-8")
    for script in ("check.py", "new.py", "build.py"):
        args = ("problem", "标题") if script == "new.py" else ()
        result = run_script(minimal_project, script, *args)
        assert result.returncode == 1, (script, output(result))
        assert "mkdocs.yml:2: 不是有效的 YAML" in result.stderr, (script, result.stderr)
        assert_clean(result)


def test_check_both_audiences(tmp_path: Path):
    internal = "---\nid: policy-secret\ntype: policy\ntitle: 内部政策\nsource: 内部资料\naudience: internal\n---\n## 概述\n\n内部。\n"
    guide = "---\ntitle: 使用说明\n---\n# 使用说明\n\n见[内部政策](../policies/policy-secret.md)。\n"
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, "policies/policy-secret.md": internal, "guide/index.md": guide})
    result = run_script(project, "check.py")
    assert result.returncode == 1
    # Found only by the public build, and labelled so.
    assert "docs/guide/index.md:6: [公开版] 链接“../policies/policy-secret.md”指向内部页面" in result.stderr


def test_check_path_filter(tmp_path: Path):
    broken_measure = textwrap.dedent(MINIMAL_DOCS["measures/measure-01.md"]).lstrip("\n").replace("## 工作要求", "## 要求")
    project = make_project(tmp_path / "project", {
        **MINIMAL_DOCS, "problems/problem-02.md": BROKEN_PROBLEM, "measures/measure-01.md": broken_measure})
    everything = run_script(project, "check.py")
    assert "problem-02.md:5" in everything.stderr and "measure-01.md" in everything.stderr

    only = run_script(project, "check.py", "docs/problems/problem-02.md")
    assert only.returncode == 1
    assert "problem-02.md:5" in only.stderr
    assert "measure-01.md" not in only.stderr
    assert "另有 1 处错误在其他文件中" in only.stderr

    folder = run_script(project, "check.py", "docs/measures")
    assert "measure-01.md" in folder.stderr and "problem-02.md" not in folder.stderr

    clean = run_script(project, "check.py", "docs/terms/term-yigang.md")
    assert clean.returncode == 0, output(clean)
    assert "检查通过：1 个页面，1 个条目" in clean.stderr

    outside = run_script(project, "check.py", "mkdocs.yml")
    assert outside.returncode == 2
    assert "不在知识库的 docs 目录" in outside.stderr



def test_check_path_renders_only_named_pages(tmp_path: Path):
    """With files named, only their pages are rendered: an error found only by rendering
    (an ID a macro names that does not exist) is reported in a named page exactly as the
    full check reports it, and not looked for in the others, which the output says."""
    def with_macro(page: str, item_id: str) -> str:
        return textwrap.dedent(MINIMAL_DOCS[page]).rstrip("\n") + f'\n\n{{{{ link("{item_id}") }}}}\n'
    project = make_project(tmp_path / "project", {
        **MINIMAL_DOCS, "guide/macros.md": with_macro("guide/macros.md", "problem-77"),
        "guide/index.md": with_macro("guide/index.md", "problem-88")})
    everything = run_script(project, "check.py")
    assert everything.returncode == 1
    full = [line for line in everything.stderr.splitlines() if "problem-77" in line]
    assert len(full) == 1 and "docs/guide/macros.md:" in full[0], everything.stderr
    assert "problem-88" in everything.stderr  # control: the full check renders the other page too
    assert "只渲染了所选文件" not in everything.stderr

    only = run_script(project, "check.py", "docs/guide/macros.md")
    assert only.returncode == 1
    assert [line for line in only.stderr.splitlines() if "problem-77" in line] == full
    assert "problem-88" not in only.stderr and "另有" not in only.stderr  # not rendered, so not counted
    assert "只渲染了所选文件的正文" in only.stderr
    assert_clean(only)

    both = run_script(project, "check.py", "docs/guide")
    assert "problem-77" in both.stderr and "problem-88" in both.stderr
    assert "检查未通过：发现 2 处错误" in both.stderr


TYPOGRAPHY_PAGE = """\
---
title: 排版
---
# 排版

正文里写错了,这里是半角逗号(还有括号)。
English, and 中文, mixed: 不算。见[宏参考](macros.md#宏参考)。`代码,代码`

```text
代码块里的中文,中文(不检查)
```
"""


def test_check_cjk_punctuation(tmp_path: Path):
    # A page listed in the nav: a page missing from it is an error (the build fails on it too).
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, "guide/index.md": TYPOGRAPHY_PAGE})
    result = run_script(project, "check.py", "docs/guide/index.md")
    assert result.returncode == 0, output(result)
    warnings = [line.split("（")[0] for line in result.stderr.splitlines() if " 警告：" in line]
    assert warnings == [
        "docs/guide/index.md:6:7: ZH102 警告：中文中用了半角逗号“,”，应改为全角“，”",
        "docs/guide/index.md:6:15: ZH102 警告：中文中用了半角左括号“(”，应改为全角“",
        "docs/guide/index.md:6:20: ZH102 警告：中文中用了半角右括号“)”，应改为全角“）”",
        # AutoCorrect: a comma right after Chinese is Chinese, before English too; the one after "English" is not.
        "docs/guide/index.md:7:16: ZH102 警告：中文中用了半角逗号“,”，应改为全角“，”",
    ], result.stderr
    assert "另有 4 条警告" in result.stderr
    strict = run_script(project, "check.py", "--strict", "docs/guide/index.md")
    assert strict.returncode == 1


# -- build.py ------------------------------------------------------------------------


def test_build_replaces_site_only_on_success(minimal_project: Path):
    """The engine checks links and anchors before anything is built, except anchors into pages
    whose headings come from macros (problems/checklist.md): only mkdocs sees those, at render
    time, after it has emptied its output folder. build.py must keep the old site then."""
    project = minimal_project
    site = project / "site"
    first = run_script(project, "build.py")
    assert first.returncode == 0, output(first)
    assert "构建成功" in first.stderr
    assert (site / "index.html").exists() and (site / "problems" / "problem-01" / "index.html").exists()
    assert oct(site.stat().st_mode & 0o777) != oct(0o700)  # readable by a web server, not mkdtemp's 0700
    (site / "marker.txt").write_text("旧站点", encoding="utf-8")

    guide = project / "docs" / "guide" / "index.md"
    good = guide.read_text(encoding="utf-8")
    guide.write_text(good + "\n见[问题清单](../problems/checklist.md#不存在的锚点)。\n", encoding="utf-8")
    assert run_script(project, "check.py").returncode == 0  # passes the engine's checks ...
    failed = run_script(project, "build.py")  # ... but mkdocs --strict fails on the anchor
    assert failed.returncode == 1
    assert "does not contain an anchor '#不存在的锚点'" in failed.stderr
    assert "构建失败" in failed.stderr and "未被改动" in failed.stderr
    assert (site / "marker.txt").read_text(encoding="utf-8") == "旧站点"
    assert not [p.name for p in project.iterdir() if p.name.startswith(".site-")]  # no temp or backup left
    assert_clean(failed)

    guide.write_text(good, encoding="utf-8")
    second = run_script(project, "build.py", "--audience", "internal", "--site-dir", "site", "--replace-public-site")
    assert second.returncode == 0, output(second)
    assert not (site / "marker.txt").exists()
    assert (site / "index.html").exists()
    assert (site / "kb-audience.txt").read_text(encoding="utf-8").startswith("internal\n")
    assert not [p.name for p in project.iterdir() if p.name.startswith(".site-")]


def test_build_audience_comes_from_its_option_and_internal_never_replaces_public(minimal_project: Path):
    internal_page = ("---\nid: policy-secret\ntype: policy\ntitle: 内部政策\nsource: 内部资料\naudience: internal\n---\n"
                     "## 概述\n\n内部。\n")
    (minimal_project / "docs" / "policies" / "policy-secret.md").write_text(internal_page, encoding="utf-8")
    site = minimal_project / "site"
    # The environment variable that `mkdocs build` reads does not switch build.py to internal.
    public = run_script(minimal_project, "build.py", env={"KB_AUDIENCE": "internal"})
    assert public.returncode == 0, output(public)
    assert "KB_AUDIENCE=internal 对 build.py 不起作用" in public.stderr
    assert (site / "kb-audience.txt").read_text(encoding="utf-8").startswith("public\n")
    assert not (site / "policies" / "policy-secret").exists()

    for args in (["--audience", "internal"], ["--audience", "internal", "--site-dir", "site"]):
        refused = run_script(minimal_project, "build.py", *args)
        assert refused.returncode == 1, output(refused)
        assert "内部版不能写进去" in refused.stderr and "--replace-public-site" in refused.stderr
        assert (site / "kb-audience.txt").read_text(encoding="utf-8").startswith("public\n")
    copy = minimal_project / "public-copy"
    shutil.copytree(site, copy)
    refused = run_script(minimal_project, "build.py", "--audience", "internal", "--site-dir", "public-copy")
    assert refused.returncode == 1 and "中是公开版" in refused.stderr, output(refused)

    internal = run_script(minimal_project, "build.py", "--audience", "internal", "--site-dir", "internal-site")
    assert internal.returncode == 0, output(internal)
    assert (minimal_project / "internal-site" / "kb-audience.txt").read_text(encoding="utf-8").startswith("internal\n")
    assert (minimal_project / "internal-site" / "policies" / "policy-secret" / "index.html").exists()


def test_build_refuses_to_replace_a_folder_that_is_not_a_site(minimal_project: Path):
    result = run_script(minimal_project, "build.py", "--site-dir", "kb")
    assert result.returncode == 1
    assert "不予替换" in result.stderr
    assert (minimal_project / "kb" / "model.py").exists()


# -- bench.py ------------------------------------------------------------------------


def test_bench_json(minimal_project: Path):
    """One run of everything the benchmark measures, on a small generated knowledge base."""
    result = run_script(minimal_project, "bench.py", "--items", "30", "--json", "--phases", timeout=600)
    assert result.returncode == 0, output(result)
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    # CPU time by phase: the parts add up to the total, and only the project's build runs the engine's hooks.
    phases, bare_phases = stats.pop("phases"), stats.pop("bare_phases")
    for by_phase in (phases, bare_phases):
        assert abs(sum(v for k, v in by_phase.items() if k != "total") - by_phase["total"]) < 0.05, by_phase
        assert by_phase["pages: Markdown"] > 0 and by_phase["pages: theme templates"] > 0
    assert phases["event: config"] > 0.05 and bare_phases.get("event: config", 0) < phases["event: config"]
    assert set(stats) == {
        "items", "pages", "build_s", "bare_build_s", "ratio", "build_cpu_s", "bare_build_cpu_s", "cpu_ratio",
        "peak_rss_mb", "site_bytes", "bytes_per_page", "largest_page", "largest_page_bytes", "search_index_bytes", "bare_search_index_bytes", "search_index_ratio",
        "search_median_ms", "search_max_ms", "bare_search_median_ms", "bare_search_max_ms", "check_s", "serve_reload_s", "serve_full_reload_s"}
    assert stats["items"] == 30 and stats["pages"] > 30
    assert 0 < stats["bytes_per_page"] <= stats["largest_page_bytes"] < stats["site_bytes"]
    assert stats["ratio"] == round(stats["build_s"] / stats["bare_build_s"], 2)
    assert stats["cpu_ratio"] == round(stats["build_cpu_s"] / stats["bare_build_cpu_s"], 2)
    # The build's own CPU time: more than nothing, less than every core for the whole wall-clock time.
    cores = os.cpu_count() or 1
    assert 0 < stats["build_cpu_s"] <= cores * stats["build_s"] and 0 < stats["bare_build_cpu_s"] <= cores * stats["bare_build_s"]
    assert stats["search_index_bytes"] > 0 and stats["bare_search_index_bytes"] > 0
    for key in ("peak_rss_mb", "check_s", "serve_reload_s", "serve_full_reload_s", "search_median_ms", "bare_search_median_ms"):
        assert stats[key] > 0, key


# -- CONTRIBUTING.md -----------------------------------------------------------------


def test_contributing_lists_every_key_of_every_type():
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for spec in model.TYPES.values():
        # Each type has a table headed "### <label>（<name>）" listing its keys as `key`.
        match = re.search(rf"^### {spec.label}（{spec.name}）\n(.*?)(?=^### |^## )", text, re.S | re.M)
        assert match, f"CONTRIBUTING.md 缺少 {spec.name} 的键表"
        rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", match.group(1), re.M))
        fields = {f.name: f.required for f in model.COMMON_FIELDS + spec.fields}
        expected = {**fields, **{key: key in spec.required_relations for key in spec.relations}}
        assert set(rows) == set(expected), (spec.name, sorted(set(rows) ^ set(expected)))
        for key, required in expected.items():
            assert ("必填" in rows[key]) == required, (spec.name, key, rows[key])
        for section in spec.sections:
            assert f"## {section}" in match.group(1), (spec.name, section)
    for value in model.POLICY_KINDS + model.RECTIFICATION_STATUSES + model.THEME_KEYS:
        assert value in text, value
    tags = yaml.safe_load((REPO / "data" / "tags.yml").read_text(encoding="utf-8"))
    for tag in tags:
        assert tag in text, f"CONTRIBUTING.md 的标签列表缺少“{tag}”"


def test_build_checks_settings_as_check_does(minimal_project: Path):
    """The build reads the settings through kb.settings too: an empty redacted name or a
    broken tags file fails `mkdocs build --strict` with the file and line, never "None市"."""
    config = minimal_project / "mkdocs.yml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("  org: {}", "  org:\n    city:"), encoding="utf-8")
    line = next(n for n, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if text.strip() == "city:")
    build = run_mkdocs(minimal_project)
    assert build.returncode == 1
    assert f"mkdocs.yml:{line}: extra.org.city 没有填写或不是一行文字" in build.output, build.output
    assert "Traceback" not in build.output and not (build.site / "index.html").exists()

    config.write_text(good.replace("  org: {}", '  org:\n    cty: "某某"'), encoding="utf-8")
    build = run_mkdocs(minimal_project)
    assert "extra.org 中有未知的名称“cty”（是不是想写 city？" in build.output, build.output

    config.write_text(good, encoding="utf-8")
    (minimal_project / "data" / "tags.yml").write_text("主体责任: 说明\n 监督执纪: 说明: 多余的冒号\n", encoding="utf-8")
    build = run_mkdocs(minimal_project)
    assert build.returncode == 1
    assert "data/tags.yml:2: 不是有效的 YAML" in build.output, build.output
    assert "Traceback" not in build.output


def test_in_process_build_reuses_the_scripts_content_and_classes(minimal_project: Path, tmp_path: Path):
    """bundle.py and handout.py build in their own process: the hooks must neither reload
    the engine (the script's KnowledgeBase would be of a different class than the build's)
    nor load the content a second time."""
    probe = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(minimal_project)!r})
        from pathlib import Path
        from kbtools.project import Project
        from kbtools.sitebuild import build_offline_site, prepare_build
        import kb.site, kb.loader
        loads = []
        original = kb.loader.load_content
        def counting(*args, **kwargs):
            loads.append(1)
            return original(*args, **kwargs)
        kb.site.load_content = counting
        project = Project.load(Path({str(minimal_project)!r}))
        info, knowledge_base, _ = prepare_build(project, "public", None)
        build_offline_site(project, Path({str(tmp_path / "offline")!r}), info, knowledge_base)
        from macros import state
        import kb.site as after
        print("same-object", state.current() is knowledge_base)
        print("same-class", after.KnowledgeBase is type(knowledge_base))
        print("loads", len(loads))
    """)
    result = subprocess.run([sys.executable, "-c", probe], cwd=minimal_project, capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764000000", "KB_VERSION": "t"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split("\n")[-4:-1] == ["same-object True", "same-class True", "loads 1"], result.stdout


# One mistake of a different kind in each page, at a different line, each found only once
# the page is rendered, converted and sanitized: check.py shares that work out over forks
# (kb/forks.py) and must report every one, as in one process.
FORKED_MISTAKES = [
    "<script>alert(1)</script>",
    '<p onclick="alert(1)">点这里</p>',
    '{{ link("problem-77") }}',
    "[链接](javascript:alert(1))",
    '<object title="插件"></object>',
    '<img src="data:image/png;base64,AAAA">',
    '<iframe title="框架"></iframe>',
    '<span class="evil">文字</span>',
    '<a href="//host/share">共享</a>',
    '<form><input type="text"></form>',
    '<div id="__drawer">抢占主题的 id</div>',
    "<style>body{display:none}</style>",
]


def test_check_in_forks_reports_what_one_process_reports(tmp_path: Path):
    pages = {f"guide/page-{n:02d}.md": f"---\ntitle: 页面{n}\n---\n# 页面{n}\n" + "\n段落。\n" * n + f"\n{mistake}\n"
             for n, mistake in enumerate(FORKED_MISTAKES)}
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, **pages})
    alone = run_script(project, "check.py", env={"KB_PROCESSES": "1"})
    forked = run_script(project, "check.py", env={"KB_PROCESSES": "3"})
    assert alone.returncode == forked.returncode == 1
    assert forked.stderr == alone.stderr
    for n, path in enumerate(pages):  # the mistake's own line, past the n paragraphs
        assert f"docs/{path}:{5 + 2 * n + 1}: " in forked.stderr, (path, forked.stderr)
    assert_clean(forked)
