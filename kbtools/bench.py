"""性能基准：生成 N 个条目的模拟知识库，用本项目的配置和“裸” Material 各构建一次，比较耗时和体积。

    python scripts/bench.py --items 2000
    python scripts/bench.py --items 100 --json
    python scripts/bench.py --items 2000 --skip-serve --skip-search
    python scripts/bench.py --items 2000 --skip-serve --skip-search --phases   (CPU time by phase)

模拟知识库放在临时目录中：复制本项目的配置、引擎和 docs 中的非条目页面（首页、
索引页、清单、台账、对照表……），再按内容模型生成各类条目（中文正文、关系、标签、
编辑归纳的对应关系、宏调用和隐去名称变量）。同一批文件和导航再用裸 Material 构建一次：
没有宏、没有本项目的钩子和模板，用 Material 自带的中文搜索（jieba 分词），这是不用本项目时
最可能的选择。依次测量：

- build_s / bare_build_s / ratio：两次构建的耗时及其比值；build_cpu_s / bare_build_cpu_s / cpu_ratio：两次构建
  用掉的 CPU 时间及其比值（机器上同时有别的程序在运行时，它比耗时稳定得多）；peak_rss_mb：本项目构建的内存峰值；
- site_bytes、bytes_per_page（条目页面的平均大小）、largest_page、largest_page_bytes；
- search_index_bytes / bare_search_index_bytes / search_index_ratio：两个搜索索引的大小；
- search_median_ms / search_max_ms（及 bare_ 开头的同名项）：在 chromium 中输入查询到显示结果的时间；
- check_s：scripts/check.py 检查同一批内容的耗时；
- serve_reload_s：`mkdocs serve --dirty`（README 给大型知识库的预览方式：只重建改动的页面）中
  保存一个页面到重新构建好的页面可以打开的时间；serve_full_reload_s：同一件事在普通的
  `mkdocs serve`（每次重建整个网站）中的时间。

不加 --json 时逐步显示进度，最后输出一张表；加 --json 时最后一行是一个 JSON 对象。
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
import itertools
import json
import logging
import os
from pathlib import Path
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from kb import model

from .project import PROJECT_DIR, Project, copy_engine, is_problem_line, load_project, mkdocs_environment, setup_logging

log = logging.getLogger("kb.scripts")

RESULT_KEYS = ("items", "pages", "build_s", "bare_build_s", "ratio", "build_cpu_s", "bare_build_cpu_s", "cpu_ratio", "peak_rss_mb", "site_bytes", "bytes_per_page",
               "largest_page", "largest_page_bytes", "search_index_bytes", "bare_search_index_bytes",
               "search_index_ratio", "search_median_ms", "search_max_ms", "bare_search_median_ms",
               "bare_search_max_ms", "check_s", "serve_reload_s", "serve_full_reload_s")
LABELS = {
    "items": "条目数", "pages": "HTML 页面数", "build_s": "构建耗时（秒）", "bare_build_s": "裸 Material 构建耗时（秒）",
    "ratio": "耗时比（本项目 / 裸 Material）",
    "build_cpu_s": "构建 CPU 时间（秒）", "bare_build_cpu_s": "裸 Material 构建 CPU 时间（秒）",
    "cpu_ratio": "CPU 时间之比（本项目 / 裸 Material）", "peak_rss_mb": "构建内存峰值（MB）", "site_bytes": "网站总大小（字节）",
    "bytes_per_page": "条目页面平均大小（字节）", "largest_page": "最大的页面", "largest_page_bytes": "最大页面（字节）",
    "search_index_bytes": "搜索索引（字节）", "bare_search_index_bytes": "裸 Material 搜索索引（字节）",
    "search_index_ratio": "搜索索引之比（本项目 / 裸 Material）", "search_median_ms": "输入到显示结果，中位数（毫秒）",
    "search_max_ms": "输入到显示结果，最长（毫秒）", "bare_search_median_ms": "裸 Material：输入到显示结果，中位数（毫秒）",
    "bare_search_max_ms": "裸 Material：输入到显示结果，最长（毫秒）", "check_s": "check.py 耗时（秒）",
    "serve_reload_s": "serve --dirty 中保存到页面更新（秒）",
    "serve_full_reload_s": "serve（整站重建）中保存到页面更新（秒）",
}
# The bare build: the same files and nav, Material and its own search, nothing of the project.
BARE_CONFIG = """INHERIT: mkdocs.yml
theme:
  name: material
  custom_dir: bare-overrides
plugins:
  - search:
      lang: zh
hooks: []
"""
# What staff type, as words of the generated text: a term, a phrase inside a compound, two words.
SEARCH_QUERIES = ("廉政风险点", "风险点", "警示教育", "台账", "主体责任", "纪律 谈话", "一岗双责", "清廉建设",
                  "自查清单", "量子隧穿",
                  # a pasted sentence found nowhere, which the search cuts into pieces
                  "这是一句在知识库中并不存在的很长的句子用来测试搜索的速度是否足够快")

SUBJECTS = ("领导班子", "班子成员", "党员干部", "基层党组织", "局机关各科室", "所属事业单位", "景区管理单位",
            "文化市场综合执法队伍", "文旅企业", "新入职党员干部", "中层干部", "窗口服务单位")
ACTIONS = ("落实清廉建设主体责任", "开展警示教育", "加强日常监督", "推进作风建设", "深化廉洁文化建设",
           "严格执行中央八项规定精神", "整治形式主义官僚主义", "规范权力运行", "加强廉政风险防控",
           "压实“一岗双责”", "抓好“三会一课”", "开展廉政提醒谈话", "运用监督执纪“第一种形态”",
           "组织中心组理论学习", "推进文旅领域营商环境建设", "开展重要节假日廉洁提醒")
TOPICS = ("清廉建设", "党风廉政建设", "全面从严治党", "纠“四风”树新风", "廉洁文化", "作风建设",
          "文旅行业监管", "干部队伍建设", "民生领域专项整治", "红色文化传承")
FLAWS = ("认识不到位", "压力传导不够", "监督检查流于形式", "制度执行不严格", "学习教育针对性不强",
         "廉政风险排查不全面", "问题整改不彻底", "宣传教育形式单一", "责任条款过于笼统",
         "事后督查不多", "创新意识不强", "统筹谋划不够")
QUALIFIERS = ("进一步", "切实", "持续", "扎实", "认真", "不断")
ENDINGS = ("确保各项工作落到实处", "推动清廉建设走深走实", "营造风清气正的良好氛围",
           "为全市文旅事业高质量发展提供坚强保障", "做到举一反三、标本兼治", "形成长效机制")
TERM_HEADS = ("廉政", "清廉", "作风", "监督", "纪律", "问责", "巡察", "审计", "文旅", "党建", "廉洁", "政治")
TERM_TAILS = ("风险点", "承诺制", "档案", "约谈", "台账", "清单", "责任制", "谈话", "提醒", "评议",
              "教育", "考核", "公开", "备案", "报告", "联席会议", "网格")
TERM_MIDS = ("工作", "专项", "日常", "分级", "闭环", "双向")
ISSUERS = ("中共中央", "中共中央办公厅", "省委", "市委", "市纪委监委", "市文化和旅游局党组")
TRAINEES = ("新入职党员干部", "局机关全体党员", "各单位主要负责人", "中层以上干部")
AGENDA = ("学习督导调研报告", "观看警示教育片", "对照问题清单自查", "交流讨论", "专题辅导", "知识测试")
ORG_NAMES = ("city", "superior", "province", "theme_education")


class Generator:
    def __init__(self, items: int, seed: int, tags: list[str]):
        self.rng = random.Random(seed)
        self.tags = tags or ["主体责任"]
        counts = {
            "report": max(1, items // 200),
            "session": max(1, items // 100),
            "policy": max(1, items // 10),
            "term": max(1, items // 10),
            "practice": max(1, items * 15 // 100),
            "problem": max(1, items // 4),
        }
        counts["measure"] = max(1, items - sum(counts.values()))
        self.counts = counts
        self.ids = {t: [self._id(t, n, counts[t]) for n in range(1, counts[t] + 1)] for t in model.TYPES}
        self.term_titles = list(itertools.islice(self._term_titles(), counts["term"]))

    @staticmethod
    def _id(type_name: str, number: int, total: int) -> str:
        return f"{type_name}-{number:0{max(2, len(str(total)))}d}"

    def _term_titles(self):
        for head, tail in itertools.product(TERM_HEADS, TERM_TAILS):
            yield head + tail
        for head, mid, tail in itertools.product(TERM_HEADS, TERM_MIDS, TERM_TAILS):
            yield head + mid + tail
        for number in itertools.count(1):
            yield f"清廉建设专用语{number}"

    # -- text ---------------------------------------------------------------------

    def pick(self, seq, k=None):
        if k is None:
            return self.rng.choice(seq)
        return self.rng.sample(list(seq), min(k, len(seq)))

    def term_mention(self) -> str:
        return self.pick(self.term_titles) if self.rng.random() < 0.5 else self.pick(TOPICS)

    def sentence(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return f"{self.pick(SUBJECTS)}{self.pick(QUALIFIERS)}{self.pick(ACTIONS)}，{self.pick(ACTIONS)}，{self.pick(ENDINGS)}。"
        if r < 0.55:
            return f"部分{self.pick(SUBJECTS)}对{self.term_mention()}的重要性和必要性认识不足，存在{self.pick(FLAWS)}的现象。"
        if r < 0.75:
            return f"围绕{self.term_mention()}，{self.pick(QUALIFIERS)}{self.pick(ACTIONS)}，着力解决{self.pick(FLAWS)}等问题。"
        if r < 0.9:
            org = self.pick(ORG_NAMES)
            return f"结合{{{{ org.{org} }}}}相关要求，{self.pick(SUBJECTS)}{self.pick(ACTIONS)}，{self.pick(ENDINGS)}。"
        return f"在{self.pick(TOPICS)}方面还存在{self.pick(FLAWS)}、{self.pick(FLAWS)}的情况，需要在原有基础上找准薄弱环节集中发力。"

    def bullets(self, low: int, high: int) -> str:
        return "\n".join(f"- {self.sentence()}" for _ in range(self.rng.randint(low, high)))

    def paragraph(self, low: int = 2, high: int = 4) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def title(self) -> str:
        return f"{self.pick(QUALIFIERS)}{self.pick(ACTIONS)}，{self.pick(ENDINGS)}"

    # -- pages --------------------------------------------------------------------

    def near(self, type_name: str, position: float, k: int) -> list[str]:
        """`k` ids of a type near a relative position, so relations cluster like real reports."""
        ids = self.ids[type_name]
        centre = int(position * len(ids))
        window = ids[max(0, centre - 4): centre + 5] or ids
        return self.pick(window, k)

    def front_matter(self, item_id: str, type_name: str, title: str, n: int, **extra) -> list[str]:
        lines = ["---", f"id: {item_id}", f"type: {type_name}", f"title: {json.dumps(title, ensure_ascii=False)}",
                 f"source: 模拟督导调研报告 {self.rng.randint(1, 3)}、{n}"]
        if self.rng.random() < 0.7:
            lines.append(f"summary: {json.dumps(self.sentence(), ensure_ascii=False)}")
        lines.append(f"tags: [{', '.join(self.pick(self.tags, self.rng.randint(1, 2)))}]")
        if self.rng.random() < 0.3:
            lines.append(f"updated: 2026-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}")
        for key, value in extra.items():
            if value is None or value == []:
                continue
            if isinstance(value, list):
                lines.append(f"{key}:")
                for entry in value:
                    if isinstance(entry, tuple):
                        lines += [f"  - id: {entry[0]}", f"    editorial: {json.dumps(entry[1], ensure_ascii=False)}"]
                    else:
                        lines.append(f"  - {json.dumps(entry, ensure_ascii=False)}")
            else:
                lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        lines.append("---")
        return lines

    def relations(self, position: float, *, policies=(0, 2), terms=(0, 3)) -> dict:
        return {
            "policies": self.near("policy", position, self.rng.randint(*policies)),
            "terms": self.near("term", position, self.rng.randint(*terms)),
        }

    def pages(self):
        reports = self.ids["report"]

        def report_of(position: float) -> list[str]:
            return [reports[min(len(reports) - 1, int(position * len(reports)))]]

        for n, item_id in enumerate(self.ids["report"], 1):
            position = n / len(reports)
            fm = self.front_matter(item_id, "report", f"关于{self.pick(TOPICS)}工作的督导调研报告（{n}）", n,
                                   **self.relations(position, policies=(1, 3)))
            yield "report", item_id, fm + ["", "## 基本情况", "", self.paragraph(3, 6), "", "## 总体评价", "", self.bullets(2, 4)]
        for n, item_id in enumerate(self.ids["policy"], 1):
            position = n / len(self.ids["policy"])
            others = [p for p in self.near("policy", position, self.rng.randint(0, 1)) if p != item_id]
            fm = self.front_matter(item_id, "policy", f"关于{self.pick(ACTIONS)}的规定（{n}）", n,
                                   kind=self.pick(model.POLICY_KINDS), issuer=self.pick(ISSUERS),
                                   policies=others, terms=self.near("term", position, self.rng.randint(0, 2)),
                                   report=report_of(position) if self.rng.random() < 0.6 else None)
            yield "policy", item_id, fm + ["", "## 概述", "", self.paragraph(), "", "## 报告中的相关内容", "", self.bullets(1, 3)]
        for n, item_id in enumerate(self.ids["term"], 1):
            position = n / len(self.ids["term"])
            title = self.term_titles[n - 1]
            others = [t for t in self.near("term", position, self.rng.randint(0, 2)) if t != item_id]
            fm = self.front_matter(item_id, "term", title, n,
                                   definition=f"{title}是{self.pick(ACTIONS)}的一项工作制度。",
                                   aliases=[title + "制度"] if self.rng.random() < 0.2 else None,
                                   policies=self.near("policy", position, self.rng.randint(0, 1)), terms=others)
            yield "term", item_id, fm + ["", "## 释义", "", self.paragraph(1, 3), "", "## 在报告中", "", self.bullets(1, 2)]
        for n, item_id in enumerate(self.ids["practice"], 1):
            position = n / len(self.ids["practice"])
            fm = self.front_matter(item_id, "practice", self.title(), n, report=report_of(position),
                                   **self.relations(position, policies=(1, 2)))
            yield "practice", item_id, fm + ["", "## 具体做法", "", self.bullets(3, 6)]
        for n, item_id in enumerate(self.ids["problem"], 1):
            position = n / len(self.ids["problem"])
            fm = self.front_matter(item_id, "problem", f"{self.pick(TOPICS)}方面{self.pick(FLAWS)}", n,
                                   report=report_of(position), **self.relations(position))
            yield "problem", item_id, fm + ["", "## 主要表现", "", self.bullets(3, 8), "", "## 原因分析", "", self.paragraph(1, 3)]
        for n, item_id in enumerate(self.ids["measure"], 1):
            position = n / len(self.ids["measure"])
            problems = self.near("problem", position, self.rng.randint(1, 3))
            problems_field = [(p, f"该措施要求{self.pick(ACTIONS)}，对应该问题中{self.pick(FLAWS)}的表现。")
                              if self.rng.random() < 0.5 else p for p in problems]
            fm = self.front_matter(item_id, "measure", self.title(), n, report=report_of(position),
                                   problems=problems_field,
                                   status=self.pick(model.RECTIFICATION_STATUSES) if self.rng.random() < 0.5 else None,
                                   **self.relations(position, terms=(0, 2)))
            # Required sections are reused by checklists and exports and may hold no macros;
            # a page-only note after them may.
            note = f"本措施主要针对{{{{ link(\"{problems[0]}\") }}}}，{self.pick(ENDINGS)}。"
            yield "measure", item_id, fm + ["", "## 工作要求", "", self.bullets(2, 5), "", "## 说明", "", note]
        for n, item_id in enumerate(self.ids["session"], 1):
            position = n / len(self.ids["session"])
            covered = self.near("problem", position, 3) + self.near("measure", position, 3) + self.near("term", position, 2)
            fm = self.front_matter(item_id, "session", f"{self.pick(TOPICS)}专题培训（第{n}期）", n,
                                   date=f"2026-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}",
                                   trainees=self.pick(TRAINEES), items=covered, agenda=self.pick(AGENDA, 3))
            yield "session", item_id, fm + ["", "## 培训说明", "", self.paragraph(1, 2)]


def write_docs(project: Project, target_docs: Path, generator: Generator) -> int:
    """Copy the real non-item pages (home, indexes, lists) and assets, then write the items."""
    content = project.load_content()
    for source in sorted(project.docs_dir.rglob("*")):
        rel = source.relative_to(project.docs_dir).as_posix()
        if source.is_dir() or any(part.startswith(".") for part in source.parts):
            continue
        page = content.pages.get(rel)
        is_item = page is not None and ("id" in page.source.meta or "type" in page.source.meta)
        if is_item or (page is None and rel.endswith(".md")):
            continue  # items are generated; an unreadable page would only break the benchmark
        (target_docs / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target_docs / rel)
    count = 0
    for type_name, item_id, lines in generator.pages():
        path = target_docs / model.TYPES[type_name].folder / f"{item_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write("\n".join(lines) + "\n")
        count += 1
    return count


def measure_site(site: Path, item_pages: set[str]) -> dict:
    """Sizes of a built site; `item_pages` are the item pages' folders ("problems/problem-01")."""
    html = list(site.rglob("*.html"))
    sizes = {p: p.stat().st_size for p in html}
    items = [size for p, size in sizes.items() if p.parent.relative_to(site).as_posix() in item_pages]
    largest = max(sizes, key=sizes.get)
    search = site / "search" / "search_index.json"
    return {
        "pages": len(html),
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "bytes_per_page": round(sum(items) / len(items)) if items else 0,
        "largest_page": largest.relative_to(site).as_posix(),
        "largest_page_bytes": sizes[largest],
        "search_index_bytes": search.stat().st_size if search.exists() else 0,
    }


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu_seconds: float  # user and system time of the command: steadier than the wall clock on a shared machine
    peak_mb: float
    output: str
    code: int


def timed_run(command: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run a command; return its wall-clock and CPU seconds, peak memory (MB), output and exit code."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output, process.returncode)


def search_latency(site: Path, queries: tuple[str, ...] = SEARCH_QUERIES) -> tuple[float, float]:
    """Median and longest time (ms) from typing a query into the search box to the results."""
    from playwright.sync_api import sync_playwright

    from .browser import open_search, search_results, serve_folder
    from .offline import CHROMIUM_ARGS, CHROMIUM_PATH

    times = []
    with serve_folder(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            open_search(page, base, timeout_ms=120_000)
            for query in queries:
                times.append(search_results(page, query, timeout_ms=60_000)[1] * 1000)
        finally:
            browser.close()
    times.sort()
    return round(times[len(times) // 2], 1), round(times[-1], 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def serve_reload_seconds(work: Path, env: dict[str, str], page: Path, page_url: str, timeout: float = 600,
                         extra: tuple[str, ...] = ()) -> float:
    """Start `mkdocs serve` (with `extra` options), save a change to one page, and time until
    the served page shows it."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", *extra]
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while _fetch(base + page_url) is None:
                if process.poll() is not None or time.monotonic() > deadline:
                    out.seek(0)
                    raise SystemExit("mkdocs serve 没有启动：\n" + out.read().decode("utf-8", errors="replace")[-3000:])
                time.sleep(0.2)
            marker = f"基准测试标记{time.time_ns()}"
            with open(page, "a", encoding="utf-8") as handle:
                handle.write(f"\n{marker}\n")
            saved = time.perf_counter()
            while marker not in (_fetch(base + page_url) or ""):
                if time.monotonic() > deadline:
                    raise SystemExit("mkdocs serve 在限定时间内没有重新构建页面")
                time.sleep(0.05)
            return time.perf_counter() - saved
        finally:
            process.terminate()
            process.wait(timeout=30)


def run(items: int, seed: int, keep: bool, *, serve: bool = True, search: bool = True, phases: bool = False) -> dict:
    project = load_project()
    work = Path(tempfile.mkdtemp(prefix=f"kb-bench-{items}-"))
    try:
        copy_engine(work, PROJECT_DIR)
        for part in ("kbtools", "scripts"):  # check.py checks the project it sits in
            shutil.copytree(PROJECT_DIR / part, work / part, ignore=shutil.ignore_patterns("__pycache__"))
        generator = Generator(items, seed, list(project.settings().tags))
        written = write_docs(project, work / "docs", generator)
        (work / "bare-overrides").mkdir()
        (work / "mkdocs-bare.yml").write_text(BARE_CONFIG, encoding="utf-8")
        steps = 3 + search + serve + phases
        log.info(f"[1/{steps}] 已生成 {written} 个条目（{'、'.join(f'{t} {c}' for t, c in generator.counts.items())}），"
                 "用本项目的配置构建 …")
        env = mkdocs_environment(PROJECT_DIR, SOURCE_DATE_EPOCH="1764000000", KB_VERSION="bench")
        env.pop("KB_AUDIENCE", None)
        mkdocs = [sys.executable, "-m", "mkdocs", "build"]
        build = timed_run([*mkdocs, "--strict", "-d", str(work / "site")], work, env)
        problems = [line for line in build.output.splitlines() if is_problem_line(line)]
        if build.code != 0 or problems:
            keep = True  # leave the generated project for inspection
            log.error(build.output[-4000:])
            raise SystemExit(f"模拟知识库构建失败（退出码 {build.code}），生成的项目保留在 {work}")
        log.info(f"[2/{steps}] 用裸 Material 构建同样的页面 …")
        bare = timed_run([*mkdocs, "-f", "mkdocs-bare.yml", "-d", str(work / "site-bare")], work, env)
        if bare.code != 0:
            keep = True
            log.error(bare.output[-4000:])
            raise SystemExit(f"裸 Material 构建失败，生成的项目保留在 {work}")
        log.info(f"[3/{steps}] 运行 scripts/check.py …")
        check = timed_run([sys.executable, "scripts/check.py"], work, env)
        if check.code != 0:
            keep = True
            log.error(check.output[-4000:])
            raise SystemExit(f"check.py 报错，生成的项目保留在 {work}")
        folders = {f"{model.TYPES[t].folder}/{item_id}" for t, ids in generator.ids.items() for item_id in ids}
        build_s, bare_build_s = round(build.seconds, 2), round(bare.seconds, 2)
        build_cpu_s, bare_build_cpu_s = round(build.cpu_seconds, 2), round(bare.cpu_seconds, 2)
        stats = {"items": written, "build_s": build_s, "bare_build_s": bare_build_s,
                 "ratio": round(build_s / bare_build_s, 2), "build_cpu_s": build_cpu_s, "bare_build_cpu_s": bare_build_cpu_s,
                 "cpu_ratio": round(build_cpu_s / bare_build_cpu_s, 2), "peak_rss_mb": round(build.peak_mb, 1),
                 "check_s": round(check.seconds, 2), **measure_site(work / "site", folders)}
        bare_index = measure_site(work / "site-bare", folders)["search_index_bytes"]
        stats["bare_search_index_bytes"] = bare_index
        stats["search_index_ratio"] = round(stats["search_index_bytes"] / bare_index, 2) if bare_index else None
        step = 4
        stats.update(search_median_ms=None, search_max_ms=None, bare_search_median_ms=None, bare_search_max_ms=None)
        if search:
            log.info(f"[{step}/{steps}] 在 chromium 中输入 {len(SEARCH_QUERIES)} 个查询（本项目与裸 Material）…")
            stats["search_median_ms"], stats["search_max_ms"] = search_latency(work / "site")
            stats["bare_search_median_ms"], stats["bare_search_max_ms"] = search_latency(work / "site-bare")
            step += 1
        stats["serve_reload_s"] = stats["serve_full_reload_s"] = None
        if serve:
            log.info(f"[{step}/{steps}] 启动 mkdocs serve（--dirty，以及整站重建），保存一个页面，等它重新构建 …")
            problem = generator.ids["problem"][0]
            page = work / "docs" / model.TYPES["problem"].folder / f"{problem}.md"
            url = f"problems/{problem}/"
            stats["serve_reload_s"] = round(serve_reload_seconds(work, env, page, url, extra=("--dirty",)), 2)
            stats["serve_full_reload_s"] = round(serve_reload_seconds(work, env, page, url), 2)
        result = {key: stats[key] for key in RESULT_KEYS}
        if phases:
            log.info(f"[{steps}/{steps}] 按阶段统计两次构建的 CPU 时间 …")
            result["phases"] = build_phases(work, env, "mkdocs.yml")
            result["bare_phases"] = build_phases(work, env, "mkdocs-bare.yml")
        if keep:
            log.info(f"临时目录保留在 {work}")
        return result
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def build_phases(work: Path, env: dict[str, str], config_file: str) -> dict[str, float]:
    """CPU seconds per phase of one more build with `config_file` (kbtools/phases.py)."""
    build = timed_run([sys.executable, "-m", "kbtools.phases", config_file, str(work / "site-phases")], work, env)
    if build.code != 0:
        raise SystemExit(f"按阶段统计的构建失败：{build.output[-2000:]}")
    return json.loads(build.output.strip().splitlines()[-1])


def phases_table(ours: dict[str, float], bare: dict[str, float]) -> str:
    rows = [f"{'阶段 · phase':<28}{'本项目':>10}{'裸 Material':>12}"]
    for key in dict.fromkeys([*ours, *bare]):
        rows.append(f"{key:<28}{ours.get(key, 0):>10.2f}{bare.get(key, 0):>12.2f}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    parser = argparse.ArgumentParser(description="生成 N 个条目的模拟知识库，与裸 Material 比较构建耗时、体积和搜索。")
    parser.add_argument("--items", type=int, required=True, help="条目数，例如 250、1000、2000、4000")
    parser.add_argument("--json", action="store_true", help="最后一行输出一个 JSON 对象")
    parser.add_argument("--seed", type=int, default=1, help="随机数种子（默认 1，同一种子生成同样的内容）")
    parser.add_argument("--keep", action="store_true", help="保留临时目录，便于查看生成的页面和网站")
    parser.add_argument("--skip-serve", action="store_true", help="不测 mkdocs serve 的重新构建时间")
    parser.add_argument("--skip-search", action="store_true", help="不在 chromium 中测搜索")
    parser.add_argument("--phases", action="store_true",
                        help="再各构建一次，按阶段（各插件事件、Markdown 转换、主题模板）统计两次构建的 CPU 时间")
    args = parser.parse_args(argv)
    if args.items < 7:
        parser.error("--items 至少为 7（每种类型至少一个条目）")
    stats = run(args.items, args.seed, args.keep, serve=not args.skip_serve, search=not args.skip_search, phases=args.phases)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    for key in RESULT_KEYS:
        value = stats[key]
        print(f"{LABELS[key]:<32}{'—' if value is None else value}")
    if args.phases:
        print()
        print(phases_table(stats["phases"], stats["bare_phases"]))
    return 0
