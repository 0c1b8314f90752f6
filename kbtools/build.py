"""发布用的安全构建：先在临时目录中构建，完全成功后才替换网站目录。

    python scripts/build.py                          # 公开版，输出到 site/
    python scripts/build.py --audience internal --site-dir /srv/kb-internal

构建哪个版本只由 --audience 决定（默认公开版），环境变量 KB_AUDIENCE 对本脚本不起作用。
内部版不会写进默认的网站目录 site/，也不会替换一个装着公开版的目录（每次构建都会
写入 kb-audience.txt 说明目录中是哪个版本），除非加上 --replace-public-site。

在本进程中运行 `mkdocs build --strict`（与离线包、讲义同一个构建入口），输出写到网站目录
旁边的临时目录。只有构建成功（strict：任何 WARNING 都算失败）时，才用两次改名替换网站目录（旧目录先改名为
备份，新目录改名到位，再删除备份）；构建失败时原来的网站目录原封不动，退出码 1。
未设置 SOURCE_DATE_EPOCH 时取最后一次提交的时间，保证同一提交构建结果相同。
"""
from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
import shutil
import tempfile
import time

from kb import model
from kb.gitlog import last_commit
from kb.settings import AUDIENCE_ENV, AUDIENCE_MARKER, read_audience_marker

from .project import AUDIENCE_LABELS, Project, load_project, settings_errors, setup_logging
from .sitebuild import BuildFailed, build_site, quiet_build_logs

log = logging.getLogger("kb.scripts")

# Files one of which a directory must contain before this script will replace it.
SITE_MARKERS = ("index.html", "404.html", "sitemap.xml", "search/search_index.json")


def check_site_dir(site_dir: Path, project: Project) -> None:
    """Refuse to replace anything that is not a previous build output."""
    dangerous = {Path("/").resolve(), Path.home().resolve(), project.root.resolve(), project.docs_dir}
    if site_dir in dangerous or site_dir in project.root.parents or project.docs_dir in (site_dir, *site_dir.parents):
        raise BuildFailed(f"不能把 {site_dir} 用作网站目录：它是项目目录、docs 目录或它们的上级目录")
    if site_dir.exists():
        if not site_dir.is_dir() or site_dir.is_symlink():
            raise BuildFailed(f"{site_dir} 不是普通目录，为安全起见不予替换")
        if any(site_dir.iterdir()) and not any((site_dir / marker).exists() for marker in SITE_MARKERS):
            raise BuildFailed(f"{site_dir} 不是空目录，也不像上一次构建的网站（没有 index.html），为安全起见不予替换")


def replace_site(new: Path, site_dir: Path) -> None:
    """Put `new` where `site_dir` is: old → backup, new → site_dir, delete backup.
    If the second rename fails the old site is put back."""
    if not site_dir.exists():
        os.rename(new, site_dir)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-old-", dir=site_dir.parent))
    backup.rmdir()  # only the unique name is wanted
    os.rename(site_dir, backup)
    try:
        os.rename(new, site_dir)
    except OSError:
        os.rename(backup, site_dir)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    project = load_project()
    parser = argparse.ArgumentParser(description="安全构建：构建成功后才替换网站目录。")
    parser.add_argument("--audience", choices=model.AUDIENCES, default=model.DEFAULT_AUDIENCE,
                        help="public（公开版，默认）或 internal（内部版）；环境变量 KB_AUDIENCE 对本脚本不起作用")
    parser.add_argument("--site-dir", type=Path, default=None,
                        help="网站目录（默认为 mkdocs.yml 中的 site_dir，即 site/）")
    parser.add_argument("--replace-public-site", action="store_true",
                        help="允许把内部版写进默认的网站目录或装着公开版的目录（会替换公开发布的内容）")
    parser.add_argument("--verbose", action="store_true", help="显示 mkdocs 的全部日志")
    args = parser.parse_args(argv)
    quiet_build_logs(args.verbose)
    site_dir = (args.site_dir.expanduser().resolve() if args.site_dir else project.site_dir)
    label = AUDIENCE_LABELS[args.audience]
    from_env = os.environ.get(AUDIENCE_ENV, "").strip()
    if from_env and from_env != args.audience:
        log.info(f"注意：环境变量 {AUDIENCE_ENV}={from_env} 对 build.py 不起作用，本次构建{label}"
                 f"（要构建内部版请用 --audience internal --site-dir 目录）。")
    if args.audience == "internal" and not args.replace_public_site:
        holds_public = read_audience_marker(site_dir) == "public"
        if site_dir == project.site_dir or holds_public:
            why = "是默认的网站目录（公开发布的位置）" if site_dir == project.site_dir else f"中是公开版（见其中的 {AUDIENCE_MARKER}）"
            log.error(f"构建失败：{site_dir} {why}，内部版不能写进去，否则内部内容会被公开。"
                      "请用 --site-dir 指定内部网站的目录；确实要替换时加 --replace-public-site。")
            return 1

    if not os.environ.get("SOURCE_DATE_EPOCH") and last_commit(project.root) is None:
        log.warning("注意：不是 git 仓库或没有提交记录，构建日期无法固定")

    broken_settings = settings_errors(project)
    for error in broken_settings:
        log.error(str(error))
    if broken_settings:
        log.error(f"构建失败：设置文件中有 {len(broken_settings)} 处错误。原有的网站目录 {site_dir} 未被改动。")
        return 1

    work: Path | None = None
    try:
        check_site_dir(site_dir, project)
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))
        # mkdtemp makes the directory private (0700); a web server must be able to read the site.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(work, 0o777 & ~umask)
        log.info(f"正在构建{label}到临时目录 {work} …")
        started = time.monotonic()
        build_site(project, work, args.audience)  # strict: any warning fails it
        if not (work / "index.html").exists():
            raise BuildFailed("构建结果中没有 index.html")
        replace_site(work, site_dir)
        work = None
    except BuildFailed as error:
        log.error(f"构建失败：{error}。原有的网站目录 {site_dir} 未被改动，没有发布任何内容。"
                  "请按上面的提示修改（可先运行 python scripts/check.py）后重试。")
        return 1
    except OSError as error:
        log.error(f"构建失败：无法写入或替换网站目录（{error}）。原有的网站目录 {site_dir} 未被改动。")
        return 1
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    log.info(f"构建成功：{label}已发布到 {site_dir}（用时 {time.monotonic() - started:.1f} 秒）")
    return 0

