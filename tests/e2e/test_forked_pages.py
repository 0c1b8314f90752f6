"""A build whose pages are populated in forks (macros/forked_pages.py) is the build of
one process: the same files, byte for byte, the same messages in the same order, the
same failures. Every comparison is against a build with KB_PROCESSES=1."""
from __future__ import annotations

from pathlib import Path
import re
import zipfile

import pytest

from tests.support.project import MINIMAL_DOCS, make_project, run_mkdocs, run_script

ONE, FORKED = {"KB_PROCESSES": "1"}, {"KB_PROCESSES": "3"}


def site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def messages(result) -> list[str]:
    """The build's lines, its site folder named alike, without the two that give its duration."""
    return [line.replace(str(result.site), "SITE") for line in result.output.splitlines()
            if not re.search(r"Documentation built in [\d.]+ seconds|构建完成：\d+ 个页面，用时", line)]


def test_real_docs_forked_are_built_as_by_one_process(tmp_path: Path):
    project = make_project(tmp_path / "project")
    for audience in ("public", "internal"):
        alone = run_mkdocs(project, env={**ONE, "KB_AUDIENCE": audience}, site=tmp_path / f"alone-{audience}")
        forked = run_mkdocs(project, env={**FORKED, "KB_AUDIENCE": audience}, site=tmp_path / f"forked-{audience}")
        assert alone.ok and forked.ok, alone.output + forked.output
        expected, built = site_files(alone.site), site_files(forked.site)
        assert len(built) > 100
        assert built.keys() == expected.keys()
        assert [path for path in built if built[path] != expected[path]] == []
        assert messages(forked) == messages(alone)


def test_the_comparison_sees_a_difference(tmp_path: Path):
    """Control: a page that differs between two builds is noticed by the comparison above."""
    project = make_project(tmp_path / "project", MINIMAL_DOCS)
    first = run_mkdocs(project, env=FORKED, site=tmp_path / "first")
    page = project / "docs" / "guide" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n多一句。\n", encoding="utf-8")
    second = run_mkdocs(project, env=FORKED, site=tmp_path / "second")
    assert first.ok and second.ok
    a, b = site_files(first.site), site_files(second.site)
    assert [path for path in a if a[path] != b.get(path)] != []


def guide_pages(count: int, mistake=lambda n: "正文。") -> dict[str, str]:
    return {f"guide/page-{n:02d}.md": f"---\ntitle: 页面{n}\n---\n# 页面{n}\n\n{mistake(n)}\n" for n in range(count)}


def project_with(tmp_path: Path, pages: dict[str, str], hook: str | None = None) -> Path:
    """The minimal knowledge base with `pages` in the nav, and a further mkdocs hook file."""
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, **pages})
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("      - guide/index.md\n", "      - guide/index.md\n" + "".join(f"      - {p}\n" for p in pages), 1)
    if hook:
        (project / "test_hook.py").write_text(hook, encoding="utf-8")
        text = text.replace("hooks:\n", "hooks:\n  - test_hook.py\n", 1)
    config.write_text(text, encoding="utf-8")
    return project


def test_errors_of_forked_pages_are_reported_as_by_one_process(tmp_path: Path):
    project = project_with(tmp_path, guide_pages(12, lambda n: f'<p onclick="alert({n})">点这里</p>' if n % 3 == 0 else "正文。"))
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone")
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked")
    assert not alone.ok and not forked.ok
    assert messages(forked) == messages(alone)
    for n in range(0, 12, 3):  # one error per page, with its line
        assert f"docs/guide/page-{n:02d}.md:6: 页面中有不安全或不支持的内容" in forked.output, forked.output
    assert "docs/guide/page-01.md" not in forked.output
    assert not (forked.site / "index.html").exists()


# A plugin that logs while pages are converted, and links to a missing heading: in a fork,
# the records must still reach mkdocs' log (and its count of warnings for --strict) in
# page order, and mkdocs must still see the links it checks once every page is converted.
LOGGING_HOOK = '''
import logging
import os

log = logging.getLogger("mkdocs.plugins.test_hook")


def on_page_markdown(markdown, page, config, files):
    # A link to a heading that is not there, which only mkdocs' own check of anchors sees
    # (after every page is converted, from what the conversion recorded on the page).
    if page.file.src_uri in ("guide/page-01.md", "guide/page-05.md", "guide/page-09.md"):  # in every share
        return markdown + "\\n[没有的小节](index.md#no-such-heading)\\n"
    return markdown


def on_page_content(html, page, config, files):
    # Which process converted the page, outside the log (which must not differ).
    with open("converted-by.txt", "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()} {page.file.src_uri}\\n")
    if page.file.src_uri.startswith("guide/page-"):
        number = int(page.file.src_uri[len("guide/page-"):-3])
        if number % 3 == 0:
            log.warning("第 %d 页有一条警告", number)
        else:
            log.info("第 %d 页没有问题", number)
    return html
'''


def converting_processes(project: Path) -> set[str]:
    """The processes that converted pages in the last build, as the hook wrote them down."""
    record = project / "converted-by.txt"
    pids = {line.split()[0] for line in record.read_text(encoding="utf-8").splitlines()}
    record.unlink()
    return pids


def test_log_records_of_forked_pages_are_reported_as_by_one_process(tmp_path: Path):
    project = project_with(tmp_path, guide_pages(12), LOGGING_HOOK)
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone")
    assert len(converting_processes(project)) == 1
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked")
    assert len(converting_processes(project)) == 3  # the comparison is not of one process with itself
    assert messages(forked) == messages(alone)
    assert not forked.ok and "Aborted with 7 warnings in strict mode!" in forked.output, forked.output
    shown = re.findall(r"第 (\d+) 页有一条警告", forked.output)
    assert shown == ["0", "3", "6", "9"]
    anchors = re.findall(r"'guide/page-(\d+)\.md' contains a link 'index\.md#no-such-heading'", forked.output)
    assert anchors == ["01", "05", "09"], forked.output
    # Control: not strict, the same warnings and a site.
    loose = run_mkdocs(project, env=FORKED, site=tmp_path / "loose", strict=False)
    assert loose.ok and (loose.site / "index.html").exists()
    assert re.findall(r"第 (\d+) 页有一条警告", loose.output) == shown
    assert len(converting_processes(project)) == 3
    # A dirty build reads only the pages that changed: never in forks.
    dirty = run_mkdocs(project, "--dirty", env=FORKED, site=tmp_path / "dirty", strict=False)
    assert dirty.ok and len(converting_processes(project)) == 1


FAILING_HOOK = '''
def on_page_content(html, page, config, files):
    if page.file.src_uri == "guide/page-07.md":
        raise ValueError("第 7 页的插件出错")
    return html
'''


def test_a_page_that_fails_in_a_fork_stops_the_build_as_in_one_process(tmp_path: Path):
    """A plugin that raises on one page: the build stops with mkdocs' own message for that page, once."""
    project = project_with(tmp_path, guide_pages(12), FAILING_HOOK)
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone", strict=False)
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked", strict=False)
    assert_failed_alike(alone, forked, "Error reading page 'guide/page-07.md': 第 7 页的插件出错",
                        "ValueError: 第 7 页的插件出错")


def assert_failed_alike(alone, forked, mkdocs_line: str, last_line: str) -> None:
    """Both builds failed, with mkdocs' own line for the page once and the error last; what
    mkdocs logged before its traceback (which goes through other functions) is the same."""
    for result in (alone, forked):
        assert not result.ok
        assert result.output.count(mkdocs_line) == 1, result.output
        assert messages(result)[-1] == last_line
    before_traceback = [m[:m.index("Traceback (most recent call last):")] for m in (messages(alone), messages(forked))]
    assert before_traceback[0] == before_traceback[1]


KEEPING_HOOK = '''
def on_page_content(html, page, config, files):
    page.reading_time = len(html) // 500  # something new kept on the page
    return html
'''


def test_a_plugin_keeping_something_new_on_pages_stops_a_forked_build(tmp_path: Path):
    """What a fork sets on a page comes back only if listed (macros/forked_pages.py POPULATED):
    anything else would be lost without a word, so the build stops and says what to do."""
    project = project_with(tmp_path, guide_pages(4), KEEPING_HOOK)
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked", strict=False)
    assert not forked.ok and "reading_time" in forked.output and "KB_PROCESSES=1" in forked.output, forked.output
    # Control: in one process nothing is lost, and the build goes through.
    assert run_mkdocs(project, env=ONE, site=tmp_path / "alone", strict=False).ok


def test_the_offline_bundle_built_in_forks_is_the_one_built_in_one_process(tmp_path: Path):
    """Trainers' offline bundle (scripts/bundle.py builds in its own process): the same files,
    byte for byte, whether the pages went through forks or not."""
    project = project_with(tmp_path, guide_pages(12, lambda n: f"第 {n} 页，见[使用说明](index.md)。"))
    bundles = {}
    for name, env in (("alone", ONE), ("forked", FORKED)):
        archive = tmp_path / f"{name}.zip"
        result = run_script(project, "bundle.py", "--output", str(archive), env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        with zipfile.ZipFile(archive) as bundle:
            bundles[name] = {info.filename: bundle.read(info) for info in bundle.infolist()}
    assert len(bundles["forked"]) > 50 and any("page-11" in name for name in bundles["forked"])
    assert bundles["forked"].keys() == bundles["alone"].keys()
    assert [name for name in bundles["forked"] if bundles["forked"][name] != bundles["alone"][name]] == []


# A side channel into the theme's rendering of each page: Material prints the page's
# description (base.html), and this one writes down which process printed it. It can also
# log a warning or fail, for the pages the test names. The main process writes its own pid
# at the end of the build.
RENDERING_HOOK = '''
import logging
import os

log = logging.getLogger("mkdocs.plugins.test_hook")
WARN = {warn!r}
FAIL = {fail!r}
TEMPLATES = {templates!r}


class Description:
    def __init__(self, source):
        self.source = source

    def __str__(self):
        with open("rendered-by.txt", "a", encoding="utf-8") as out:
            out.write(f"{{os.getpid()}} {{self.source}}\\n")
        if self.source in WARN:
            log.warning("渲染 %s 时有一条警告", self.source)
        if self.source in FAIL:
            raise ValueError(f"渲染 {{self.source}} 时出错")
        return "页面说明"


def on_page_markdown(markdown, page, config, files):
    page.meta["description"] = Description(page.file.src_uri)
    if page.file.src_uri in TEMPLATES:
        page.meta["template"] = TEMPLATES[page.file.src_uri]
    return markdown


def on_nav(nav, config, files):
    NAV[:] = [nav]
    return nav


NAV = []


def on_post_build(config):
    # Its pid, and the templates the pages' meta names once the build is over.
    templates = {{page.file.src_uri: page.meta["template"] for page in NAV[0].pages if "template" in page.meta}}
    with open("main-process.txt", "w", encoding="utf-8") as out:
        out.write(f"{{os.getpid()}}\\n{{templates}}")
{extra}'''


def rendering_hook(warn=(), fail=(), extra: str = "", templates: dict | None = None) -> str:
    return RENDERING_HOOK.format(warn=set(warn), fail=set(fail), extra=extra, templates=templates or {})


def rendering_processes(project: Path, templates: dict | None = None) -> tuple[set[str], str | None]:
    """The processes that rendered the guide's pages in the last build, and the main process;
    the pages' meta must name `templates` at the end of the build, as the hook set them."""
    record, main = project / "rendered-by.txt", project / "main-process.txt"
    pids = {line.split()[0] for line in record.read_text(encoding="utf-8").splitlines() if "guide/page-" in line}
    main_pid = None
    if main.exists():
        main_pid, left = main.read_text(encoding="utf-8").splitlines()
        assert left == repr(templates or {}), left  # the pages' meta as it was (the placeholder taken away)
    record.unlink()
    main.unlink(missing_ok=True)
    return pids, main_pid


def test_page_templates_are_rendered_in_forks_as_by_one_process(tmp_path: Path):
    """The theme renders each page in a fork; the site and the messages (warnings logged while
    rendering included) are those of one process, and mkdocs' loop says nothing more."""
    warn = {"guide/page-02.md", "guide/page-07.md", "guide/page-09.md"}
    project = project_with(tmp_path, guide_pages(12), rendering_hook(warn=warn))
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone", strict=False)
    alone_pids, alone_main = rendering_processes(project)
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked", strict=False)
    forked_pids, forked_main = rendering_processes(project)
    assert alone.ok and forked.ok, alone.output + forked.output
    assert alone_pids == {alone_main}
    assert len(forked_pids) == 3 and forked_main not in forked_pids  # every page in a fork, none here
    expected, built = site_files(alone.site), site_files(forked.site)
    assert len(built) > 30 and "页面说明" in built["guide/page-03/index.html"].decode("utf-8")
    assert [path for path in built if built[path] != expected.get(path)] == [] and built.keys() == expected.keys()
    assert messages(forked) == messages(alone)
    assert re.findall(r"渲染 guide/page-(\d+)\.md 时有一条警告", forked.output) == ["02", "07", "09"]
    assert "Page skipped" not in forked.output  # the forks give mkdocs nothing to write, and say nothing
    strict = run_mkdocs(project, env=FORKED, site=tmp_path / "strict")
    assert not strict.ok and "Aborted with 3 warnings in strict mode!" in strict.output, strict.output
    # With -v, mkdocs' DEBUG lines for a page are not doubled by the fork's own run (their order may differ).
    verbose = {name: run_mkdocs(project, "-v", env=env, site=tmp_path / f"verbose-{name}", strict=False)
               for name, env in (("alone", ONE), ("forked", FORKED))}
    for line in ("Building page guide/page-03.md", "Running `page_context` event from plugin 'material/search'"):
        counts = [result.output.count(line) for result in verbose.values()]
        assert counts[0] >= 1 and counts[1] == counts[0], (line, counts)


def test_a_page_whose_template_fails_in_a_fork_stops_the_build_as_in_one_process(tmp_path: Path):
    project = project_with(tmp_path, guide_pages(12), rendering_hook(fail={"guide/page-07.md"}))
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone", strict=False)
    assert len(rendering_processes(project)[0]) == 1
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked", strict=False)
    assert len(rendering_processes(project)[0]) == 3
    assert_failed_alike(alone, forked, "Error building page 'guide/page-07.md': 渲染 guide/page-07.md 时出错",
                        "ValueError: 渲染 guide/page-07.md 时出错")


# Handlers of the events around a page's template that a fork would run a second time, on the
# placeholder here: the theme then renders every page in the main process.
POST_PAGE = '''

def on_post_page(output, page, config):
    return output.replace("</body>", "<!-- 插件加的 --></body>")
'''
PAGE_CONTEXT = '''

def on_page_context(context, page, config, nav):
    context["kb_test_counter"] = context.get("kb_test_counter", 0) + 1
    return context
'''
ENV = '''

def on_env(env, config, files):
    env.globals["kb_test_marker"] = "测试"
    return env
'''


@pytest.mark.parametrize("extra", [POST_PAGE, PAGE_CONTEXT, ENV], ids=["post_page", "page_context", "env"])
def test_another_plugins_handler_around_the_template_keeps_the_rendering_in_one_process(tmp_path: Path, extra: str):
    project = project_with(tmp_path, guide_pages(12), rendering_hook(extra=extra))
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked", strict=False)
    pids, main = rendering_processes(project)
    assert forked.ok, forked.output
    assert pids == {main}
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone", strict=False)
    rendering_processes(project)
    expected, built = site_files(alone.site), site_files(forked.site)
    assert [path for path in built if built[path] != expected.get(path)] == [] and built.keys() == expected.keys()
    if extra is POST_PAGE:
        assert "<!-- 插件加的 -->" in built["guide/page-03/index.html"].decode("utf-8")


def test_a_page_with_a_template_of_its_own_is_rendered_with_it_in_a_fork(tmp_path: Path):
    """A plugin may name a page's template in its meta (the front matter may not): the fork
    renders that one, and the meta names it again once mkdocs has written the page."""
    own = {"guide/page-04.md": "main.html", "guide/page-05.md": "404.html"}
    project = project_with(tmp_path, guide_pages(12), rendering_hook(templates=own))
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone", strict=False)
    rendering_processes(project, own)
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked", strict=False)
    pids, main = rendering_processes(project, own)
    assert alone.ok and forked.ok and len(pids) == 3 and main not in pids
    expected, built = site_files(alone.site), site_files(forked.site)
    assert [path for path in built if built[path] != expected.get(path)] == [] and built.keys() == expected.keys()
    # Rendered with 404.html, the page is the site's page for a missing address; its neighbour is not.
    assert "找不到这个页面" in built["guide/page-05/index.html"].decode("utf-8")
    assert "找不到这个页面" not in built["guide/page-06/index.html"].decode("utf-8")


def test_a_page_rendered_empty_in_a_fork_is_skipped_as_by_one_process(tmp_path: Path):
    """The forks write the pages they render, and mkdocs' loop here says nothing of them; a
    page whose template makes nothing is not written, and mkdocs says so once, as in one process."""
    own = {"guide/page-06.md": "kb-rendered-in-fork.html"}  # the placeholder: it renders nothing
    project = project_with(tmp_path, guide_pages(12), rendering_hook(templates=own))
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone", strict=False)
    rendering_processes(project, own)
    forked = run_mkdocs(project, env=FORKED, site=tmp_path / "forked", strict=False)
    pids, main = rendering_processes(project, own)
    assert alone.ok and forked.ok and len(pids) == 3 and main not in pids, forked.output
    skipped = "Page skipped: 'guide/page-06.md'. Generated empty output."
    assert alone.output.count(skipped) == 1 and forked.output.count(skipped) == 1, forked.output
    assert forked.output.count("Page skipped") == 1  # none for the pages the forks wrote
    expected, built = site_files(alone.site), site_files(forked.site)
    assert "guide/page-06/index.html" not in built and "guide/page-05/index.html" in built  # control
    assert [path for path in built if built[path] != expected.get(path)] == [] and built.keys() == expected.keys()
    assert messages(forked) == messages(alone)


def test_a_page_written_where_a_theme_template_is_keeps_the_rendering_in_one_process(tmp_path: Path):
    """mkdocs writes the theme's templates (404.html) before the pages, so a page written at
    the same place replaces it; forks would write the page first. Without directory URLs a
    page 404.md lands on 404.html: its template is rendered here, and the page wins as in one process."""
    pages = {**guide_pages(12), "guide/404.md": "---\ntitle: 自己的页面\n---\n# 自己的页面\n\n编辑写的正文。\n"}
    project = project_with(tmp_path, pages)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8")
    (project / "docs" / "guide" / "404.md").rename(project / "docs" / "404.md")
    config.write_text(config.read_text(encoding="utf-8").replace("      - guide/404.md\n", "      - 404.md\n"), encoding="utf-8")
    alone = run_mkdocs(project, env=ONE, site=tmp_path / "alone", strict=False)
    forked = run_mkdocs(project, "-v", env=FORKED, site=tmp_path / "forked", strict=False)
    assert alone.ok and forked.ok, alone.output + forked.output
    assert "404.md is written where a static file or a template is" in forked.output
    expected, built = site_files(alone.site), site_files(forked.site)
    assert "编辑写的正文" in built["404.html"].decode("utf-8")
    assert [path for path in built if built[path] != expected.get(path)] == [] and built.keys() == expected.keys()
