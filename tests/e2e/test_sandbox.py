"""Page templates run in a sandbox: known Jinja escapes must fail the real build,
naming the file and line in Chinese, without running anything or printing secrets."""
from __future__ import annotations

from pathlib import Path
import subprocess
import uuid

import pytest

from tests.support.project import MINIMAL_DOCS, make_project, run_mkdocs
from tests.support.site import find_in_site

PAGE = "guide/macros.md"
PAYLOAD_LINE = 8


def page_with(payload: str) -> str:
    """guide/macros.md with `payload` on line 8 of the file."""
    return f"---\ntitle: 宏参考\n---\n# 宏参考\n\n见 CONTRIBUTING。\n\n{payload}\n"


# (id, payload with {pwned} {secret_file} placeholders, Chinese message expected in the output)
ESCAPES = [
    ("lipsum-popen", "{{{{ lipsum.__globals__['os'].popen('echo PWNED > {pwned}').read() }}}}", "受保护的属性“__globals__”"),
    ("cycler-environ", "{{{{ cycler.__init__.__globals__.os.environ }}}}", "受保护的属性“__init__”"),
    ("config", "{{{{ config }}}}", "未知的宏或变量“config”"),
    ("environment", "{{{{ environment }}}}", "未知的宏或变量“environment”"),
    ("str-mro", "{{{{ ''.__class__.__mro__ }}}}", "受保护的属性“__class__”"),
    ("include-passwd", "{{% include '/etc/passwd' %}}", "页面中不能使用include"),
    ("self", "{{{{ self }}}}", "未知的宏或变量“self”"),
    ("namespace", "{{{{ namespace() }}}}", "未知的宏或变量“namespace”"),
    ("org-class", "{{{{ org.__class__ }}}}", "受保护的属性“__class__”"),
    # Found while writing these tests: macros were functools.partial objects, whose public
    # .args/.func reached the content index and, through its Path, any file on disk.
    ("macro-args-file-read", "{{{{ link.args[0].content.docs_dir.joinpath('{secret_file}').read_text() }}}}", "宏只能直接按名称调用"),
    ("macro-func", "{{{{ link.func.__globals__ }}}}", "受保护的属性“__globals__”"),
    ("attr-filter", "{{{{ org|attr('__class__') }}}}", "页面中不能使用过滤器（|）"),
]


@pytest.fixture
def secrets(tmp_path: Path) -> dict:
    token = uuid.uuid4().hex[:12]
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(f"file-secret-{token}", encoding="utf-8")
    return {
        "env": f"s3cr3t-{token}",
        "file": f"file-secret-{token}",
        "secret_file": str(secret_file),
        "pwned": str(tmp_path / f"pwned-{token}"),
    }


@pytest.mark.parametrize("payload,message", [e[1:] for e in ESCAPES], ids=[e[0] for e in ESCAPES])
def test_template_escape_fails_build(payload: str, message: str, secrets: dict, tmp_path: Path):
    text = payload.format(pwned=secrets["pwned"], secret_file=secrets["secret_file"])
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, PAGE: page_with(text)})
    result = run_mkdocs(project, env={"KB_TEST_SECRET": secrets["env"]})

    assert result.returncode != 0, result.output
    assert f"{PAGE}:{PAYLOAD_LINE}" in result.output, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output, result.output
    assert not Path(secrets["pwned"]).exists(), "the page ran a shell command"
    for secret in (secrets["env"], secrets["file"]):
        assert secret not in result.output
        if result.site.exists():
            assert not find_in_site(result.site, [secret])


def test_allowed_macros_and_raw_blocks_render(secrets: dict, tmp_path: Path):
    """Control: documented macros run, {% raw %} shows braces, and the checks above can see a leak."""
    control = page_with("{% raw %}{{ not rendered }}{% endraw %}\n\n问题数：{{ count(\"problem\") }}。城市：{{ org.city }}。\n\n"
                        f"泄露检测对照：{secrets['file']}")
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, PAGE: control})
    result = run_mkdocs(project, env={"KB_TEST_SECRET": secrets["env"]})

    assert result.ok, result.output
    page = result.html("guide/macros/index.html")
    assert "{{ not rendered }}" in page
    assert "{% raw %}" not in page
    assert "问题数：1。" in page and "城市：××。" in page
    assert "1 个问题" in result.html("index.html")
    # The secret scan finds a secret that is really there (page and search index), and nothing else.
    hits = find_in_site(result.site, [secrets["file"]])
    assert any(hit.startswith("guide/macros/index.html ") for hit in hits), hits
    assert all(hit.startswith(("guide/macros/index.html ", "search/search_index.json ")) for hit in hits), hits
    assert not find_in_site(result.site, [secrets["env"]])
    # The shell payload would have worked if it had run.
    subprocess.run(f"echo PWNED > {secrets['pwned']}", shell=True, check=True)
    assert Path(secrets["pwned"]).read_text().strip() == "PWNED"

