"""培训离线包：把网站构建成可以离线浏览的文件夹，打成一个 zip。

    python scripts/bundle.py --output 培训离线包.zip                       # 整个知识库（公开版）
    python scripts/bundle.py --output 专题.zip --session session-report-reading
    python scripts/bundle.py --output 内部.zip --audience internal

zip 解压后是一个文件夹，双击其中的 index.html 即可用浏览器打开，不需要网络，
搜索也可以用：Material 的 offline 插件、不加载 Google 字体、使用随仓库提供的
iframe-worker（vendor/iframe-worker，见 scripts/vendor.sh），不从任何 CDN 加载内容。

* 整个知识库：文件夹顶层就是网站，index.html 是网站首页。
* 带 --session：网站放在文件夹内的 site/ 中，顶层的 index.html 只是一个入口页，
  自动转到 site/sessions/<编号>.html（培训专题页）。网站里的“首页”链接指向
  site/index.html，没有任何页面链接回入口页，所以不会来回跳转。

构建与 `mkdocs build --strict` 相同：任何警告都会使打包失败，内容错误按
“文件:行号: 说明”列出。同一提交打出的 zip 逐字节相同（未设置 SOURCE_DATE_EPOCH
时取最后一次提交的时间）。每个页面的页脚都写明构建日期、版本和“内容以在线版为准”。
"""
from __future__ import annotations

import html
import json
import logging
from pathlib import Path
import tempfile
import time

from kb import model
from kb.settings import BuildInfo

from .offline import make_reproducible_zip
from .project import AUDIENCE_LABELS, load_project, setup_logging
from .sitebuild import BuildFailed, build_offline_site, human_size, parse_arguments, prepare_build

log = logging.getLogger("kb.scripts")

SITE_SUBDIR = "site"  # where the site goes in a session bundle


def root_folder_name(info: BuildInfo, audience: str, session_id: str | None) -> str:
    """The one folder the zip unpacks to. ASCII, so every unzip tool names it the same;
    it depends only on the content (not on the zip's file name), so bundles stay identical."""
    parts = ["kb-offline"]
    if session_id:
        parts.append(session_id)
    if audience != model.DEFAULT_AUDIENCE:
        parts.append(audience)
    parts.append(info.date)
    return "-".join(parts)


def session_entry_page(session: model.Item, site_name: str, info: BuildInfo) -> str:
    """Top-level index.html of a session bundle: goes straight to the session page.

    location.replace keeps this page out of the history, so Back from the session
    page does not bounce forward again; the meta refresh covers browsers without
    JavaScript, and the links cover anything else."""
    target = f"{SITE_SUBDIR}/{session.path[:-3]}.html"
    home = f"{SITE_SUBDIR}/index.html"
    e = html.escape
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url={e(target)}">
<title>{e(session.title)} · {e(site_name)}</title>
<style>
body {{ max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.8; color: #222;
       font-family: -apple-system, "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; }}
a {{ color: #9e1b1b; }}
.kb-build {{ color: #666; font-size: .85rem; }}
</style>
</head>
<body>
<h1>{e(session.title)}</h1>
<p>正在打开培训专题。如果页面没有自动打开，请点击下面的链接：</p>
<ul>
<li><a href="{e(target)}">培训专题：{e(session.title)}</a></li>
<li><a href="{e(home)}">{e(site_name)}首页</a></li>
</ul>
<p class="kb-build">{e(info.notice)}</p>
<script>location.replace({json.dumps(target)});</script>
</body>
</html>
"""


def readme_text(site_name: str, info: BuildInfo, audience: str, session: model.Item | None) -> str:
    lines = [f"{site_name} · 离线包", ""]
    if session is not None:
        lines.append(f"培训专题：{session.title}（{session.id}）")
    lines += [
        f"可见范围：{AUDIENCE_LABELS[audience]}",
        info.notice,
        "",
        "使用方法：双击本文件夹中的 index.html，用浏览器（Chrome、Edge 或 Firefox）打开。",
        "不需要网络，搜索也可以使用。复制时请复制整个文件夹，不要只复制 index.html。",
        "",
    ]
    return "\r\n".join(lines)  # CRLF: read on Windows laptops in the training room


def write_text(path: Path, text: str, *, bom: bool = False) -> None:
    """`bom`: a UTF-8 byte-order mark first, without which older Notepad shows the Chinese as mojibake."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        handle.write(text)


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    args = parse_arguments("打包培训离线包（zip，解压后双击 index.html 离线浏览）。", ".zip", "输出的 zip 文件，如 培训离线包.zip",
                           "培训专题编号：离线包打开时直接进入该专题页", argv)
    output = args.output

    project = load_project()
    label = AUDIENCE_LABELS[args.audience]
    started = time.monotonic()
    try:
        info, kb, session = prepare_build(project, args.audience, args.session)
        with tempfile.TemporaryDirectory(prefix="kb-bundle-") as temp:
            stage = Path(temp) / "bundle"
            site_dir = stage / SITE_SUBDIR if session else stage
            log.info(f"构建网站（{label}，离线版）…")
            seconds = build_offline_site(project, site_dir, info, kb)
            pages = sum(1 for _ in site_dir.rglob("*.html"))
            log.info(f"网站构建完成：{pages} 个页面，用时 {seconds:.1f} 秒")
            if session is not None:
                write_text(stage / "index.html", session_entry_page(session, project.site_name, info))
                log.info(f"入口页 index.html → {SITE_SUBDIR}/{session.path[:-3]}.html（{session.title}）")
            write_text(stage / "README.txt", readme_text(project.site_name, info, args.audience, session), bom=True)
            log.info("打包…")
            root = root_folder_name(info, args.audience, session.id if session else None)
            make_reproducible_zip(stage, output, root, date_time=info.timestamp)
    except BuildFailed as error:
        log.error(f"打包失败：{error}")
        log.error("没有写出离线包。")
        return 1
    except OSError as error:
        log.error(f"打包失败：无法读写文件（{error}）。没有写出离线包。")
        return 1
    size = output.stat().st_size
    log.info(f"完成，共用时 {time.monotonic() - started:.1f} 秒。解压后打开 {root}/index.html。")
    print(f"离线包：{output}（{human_size(size)}）")
    return 0

