"""新建一个条目页面：自动取下一个编号，写好 front matter 和必需的小标题。

    python scripts/new.py problem "清廉建设主体责任压力传导不够"
    python scripts/new.py measure "加强学习，提高认识" --problems problem-01,problem-04
    python scripts/new.py policy "中央八项规定" --id policy-eight-point-regulation
    python scripts/new.py term "一岗双责" --id term-yigang-shuangze
    python scripts/new.py session "新入职党员干部廉政培训" --id session-2026-induction

report、practice、problem、measure 的编号自动生成（如 problem-05）；policy、term、
session 的编号用 --id 给出。生成的页面能通过 python scripts/check.py，需要编辑填写的
地方写着 TODO（check.py 会提示还没填完）。已有的文件不会被覆盖。
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
from pathlib import Path
import re

import yaml

from kb import model
from kb.loader import TEMPLATE_MARKERS, Content

from .project import load_project, setup_logging, validate
from .published_urls import add_to_record

log = logging.getLogger("kb.scripts")

TODO_SOURCE = "TODO：写明出处，例如 督导调研报告 二、1"


class UsageError(Exception):
    pass


def split_list(value: str | None) -> list[str]:
    if not value:
        return []
    return [part for part in re.split(r"[,，、\s]+", value.strip()) if part]


def yaml_scalar(value: str) -> str:
    """A one-line value written so that YAML reads back exactly this string."""
    text = str(value)
    try:
        if text and yaml.safe_load(f"k: {text}") == {"k": text} and not text.startswith(("'", '"')):
            return text
    except Exception:  # any value YAML cannot read back (2026-02-30, !!bool x) is quoted
        pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_scalar(v) for v in values) + "]"


# -- ids --------------------------------------------------------------------------


def used_ids(content: Content) -> dict[str, str]:
    """id -> path for every page that declares one, also pages with other errors."""
    used = {}
    for path, page in content.pages.items():
        value = page.source.meta.get("id")
        if isinstance(value, str):
            used.setdefault(value, path)
    return used


def next_id(type_name: str, content: Content, docs_dir: Path) -> str:
    pattern = re.compile(rf"^{re.escape(type_name)}-(\d+)$")
    numbers, width = [0], 2
    folder = docs_dir / model.TYPES[type_name].folder
    candidates = list(used_ids(content))
    if folder.is_dir():
        candidates += [p.stem for p in folder.glob("*.md")]
    for candidate in candidates:
        match = pattern.match(candidate)
        if match:
            numbers.append(int(match.group(1)))
            width = max(width, len(match.group(1)))
    # Never reuse a number, even of a deleted page: links and exports may still name it.
    return f"{type_name}-{max(numbers) + 1:0{width}d}"


def check_given_id(type_name: str, item_id: str) -> None:
    if not model.ID_PATTERN.match(item_id):
        raise UsageError(f"编号“{item_id}”格式不对：只能用小写英文字母、数字和减号，例如 {model.TYPES[type_name].id_example or type_name + '-01'}")
    if not item_id.startswith(f"{type_name}-"):
        raise UsageError(f"{model.TYPES[type_name].label}的编号应以 {type_name}- 开头，例如 {type_name}-{item_id}")


# -- page text --------------------------------------------------------------------


# Field options of this command, besides --source, --summary, --tags and --audience.
FIELD_OPTIONS = ("definition", "date", "kind", "issuer", "status")


def field_order(spec: model.TypeSpec) -> list[str]:
    """Every front matter field of the type except id/type/title, in the order editors fill them."""
    specs = model.field_specs(spec)
    order = ["source", *(f.name for f in spec.fields if f.required), "summary", "tags",
             *(f.name for f in spec.fields if not f.required), "audience", "updated"]
    order += [name for name in specs if name not in order]
    return [name for name in order if name in specs and name not in ("id", "type", "title")]


def given_value(fspec: model.FieldSpec, args, content: Content) -> str | None:
    """The YAML text of a value given on the command line, or None."""
    value = getattr(args, fspec.name, None)
    if fspec.name == "audience" and value == model.DEFAULT_AUDIENCE:
        return None
    if not value:
        return None
    if fspec.kind.startswith("list"):
        return yaml_list(split_list(value))
    return yaml_scalar(value)


def front_matter(spec: model.TypeSpec, item_id: str, title: str, args, content: Content) -> list[str]:
    lines = ["---", f"# 新建的{spec.label}页面。写法见 CONTRIBUTING.md；填完 TODO 后运行 python scripts/check.py 检查。",
             f"id: {item_id}", f"type: {spec.name}", f"title: {yaml_scalar(title)}"]
    specs = model.field_specs(spec)
    for name in field_order(spec):
        fspec = specs[name]
        hint = fspec.hint or f"{fspec.label}（{'必填' if fspec.required else '可选'}）。"
        lines.append(f"# {hint}")
        value = given_value(fspec, args, content)
        if value:
            lines.append(f"{name}: {value}")
        elif fspec.required:  # only one-line text gets here; check_arguments asked for the rest
            lines.append(f"{name}: {yaml_scalar(TODO_SOURCE if name == 'source' else f'TODO：填写{fspec.label}')}")
        else:
            example = fspec.example
            if fspec.kind == "choice":
                example = fspec.choices[min(1, len(fspec.choices) - 1)]
            elif fspec.kind == "list[tag]":
                example = yaml_list(list(content.tags)[:2] or ["标签"])
            # A list of records is an example of several lines, each commented out.
            lines += [f"# {line}".rstrip() for line in f"{name}: {example}".splitlines()]
    for key in spec.relations:
        target = model.RELATION_TARGETS[key]
        label = model.outgoing_label(spec.name, key)
        ids = split_list(getattr(args, key))
        required = "必填" if key in spec.required_relations else "可选"
        lines.append(f"# {label}（{required}）：{model.TYPES[target].label}的编号。"
                     f"对应关系由编辑归纳、报告没有逐条写明时，写成 - id: 编号 加一行 editorial: 理由。")
        if ids:
            lines.append(f"{key}: {yaml_list(ids)}")
        else:
            example = next((i.id for i in content.items.values() if i.type == target), f"{target}-01")
            lines.append(f"# {key}: [{example}]")
    lines.append("---")
    return lines


def body(spec: model.TypeSpec) -> list[str]:
    """Body with the required (or usual) sections. Hints go in one comment above them: a
    required section is copied verbatim into checklists, the ledger and the exports, so it
    holds nothing but the editor's text (a TODO until then)."""
    sections = spec.template_sections
    hints = [
        "提示：正文只写报告原文（或注明出处的公开资料）中有的内容。责任单位、完成时限和整改状态写在上面的 front matter 中，只写实际情况，不要估计。",
        "页面标题、关联内容和来源由构建自动生成，正文不要再写一级标题。可用的宏见 docs/guide/macros.md。",
    ]
    if spec.sections:
        hints.append("下面几节会原样汇总到问题清单、台账和导出表格中：只写正文，除 org 隐去名称变量外不要用宏。")
    hints += [f"“{section.name}”一节：{section.hint}" for section in sections]
    lines = ["", "<!--", *hints, "-->", ""]
    for section in sections:
        bullet = "- " if section.bulleted else ""
        lines += [f"## {section.name}", "", f"{bullet}TODO：按报告原文填写“{section.name}”", ""]
    return lines


# -- main -------------------------------------------------------------------------


def check_arguments(spec: model.TypeSpec, args, content: Content) -> None:
    if "\n" in args.title or not args.title.strip():
        raise UsageError("标题不能为空，也只能写一行")
    if any(marker in args.title for marker in TEMPLATE_MARKERS):
        raise UsageError("标题中不能出现 {{、{% 或 {#")
    for key in model.RELATION_TARGETS:
        given = split_list(getattr(args, key, None))
        if given and key not in spec.relations:
            raise UsageError(f"{spec.label}页面没有 {key} 关系（可用的关系：{'、'.join(spec.relations) or '无'}）")
        for target_id in given:
            item = content.items.get(target_id)
            expected = model.RELATION_TARGETS[key]
            if item is None:
                raise UsageError(f"--{key} 中的编号“{target_id}”不存在（或该页面本身有错误，请先运行 python scripts/check.py）")
            if item.type != expected:
                raise UsageError(f"“{target_id}”是{item.spec.label}，不能写在 --{key} 中")
    for key in spec.required_relations:
        if not split_list(getattr(args, key)):
            target = model.RELATION_TARGETS[key]
            raise UsageError(f"{spec.label}页面必须写明{model.outgoing_label(spec.name, key)}：请加上 --{key} "
                             f"{target}-01,{target}-02（只写报告中能对应上的{model.TYPES[target].label}）")
    for tag in split_list(args.tags):
        if content.tags and tag not in content.tags:
            raise UsageError(f"标签“{tag}”没有在 data/tags.yml 中登记（可用：{'、'.join(content.tags)}）")
    specs = model.field_specs(spec)
    for option in FIELD_OPTIONS:
        if getattr(args, option) and option not in specs:
            types = [t.name for t in model.TYPES.values() if option in model.field_specs(t)]
            raise UsageError(f"--{option} 只用于 {'、'.join(types)} 页面")
    for name in field_order(spec):
        fspec, value = specs[name], getattr(args, name, None)
        if fspec.required and fspec.kind not in ("str", "line") and not value:
            option = f"--{name}" if name in FIELD_OPTIONS else f"{name}（生成后在 front matter 中填写）"
            example = " 2026-11-28（写实际日期，不要估计）" if fspec.kind == "date" else ""
            raise UsageError(f"{spec.label}页面必须写{fspec.label}：请加上 {option}{example}")
        if fspec.kind == "date" and value:
            try:
                if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
                    raise ValueError
                dt.date.fromisoformat(value)
            except ValueError:
                raise UsageError(f"--{name} “{value}”不是有效日期，请按 2026-11-28 的格式写") from None


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(
        description="新建一个条目页面。",
        epilog="例：python scripts/new.py measure \"加强学习，提高认识\" --problems problem-01,problem-04",
    )
    parser.add_argument("type", metavar="TYPE", choices=list(model.TYPES),
                        help="页面类型：" + "、".join(f"{s.name}（{s.label}）" for s in model.TYPES.values()))
    parser.add_argument("title", metavar="TITLE", help="标题（与报告原文一致）")
    parser.add_argument("--id", help="编号；policy、term、session 必填，例如 policy-eight-point-regulation")
    parser.add_argument("--source", help="出处，例如“督导调研报告 二、1”（不写则留 TODO）")
    parser.add_argument("--summary", help="一句话摘要")
    parser.add_argument("--tags", help="标签，用逗号分隔，只能用 data/tags.yml 中登记的")
    parser.add_argument("--audience", choices=model.AUDIENCES, default=model.DEFAULT_AUDIENCE, help="可见范围，默认 public")
    for key, target in model.RELATION_TARGETS.items():
        parser.add_argument(f"--{key}", help=f"关联的{model.TYPES[target].label}编号，用逗号分隔")
    parser.add_argument("--definition", help="术语的释义（term）")
    parser.add_argument("--date", help="培训日期，如 2026-11-28（session，只写实际日期）")
    parser.add_argument("--kind", choices=model.POLICY_KINDS, help="政策类别（policy）")
    parser.add_argument("--issuer", help="制定或部署机关（policy）")
    parser.add_argument("--status", choices=model.RECTIFICATION_STATUSES, help="整改状态（measure，按实际进展填写）")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    args = parse_args(argv)
    project = load_project()
    spec = model.TYPES[args.type]
    content = project.load_content()
    try:
        check_arguments(spec, args, content)
        if args.id:
            check_given_id(spec.name, args.id)
            item_id = args.id
        elif spec.numbered:
            item_id = next_id(spec.name, content, project.docs_dir)
        else:
            raise UsageError(f"{spec.label}页面请用 --id 给出编号，例如 --id {spec.id_example}"
                             "（小写英文字母、数字和减号，建议用拼音或英文简称）")
        owner = used_ids(content).get(item_id)
        if owner:
            raise UsageError(f"编号“{item_id}”已被 docs/{owner} 使用，请换一个")
    except UsageError as error:
        log.error(f"无法新建页面：{error}")
        return 1

    rel = f"{spec.folder}/{item_id}.md"
    path = project.docs_dir / rel
    text = "\n".join(front_matter(spec, item_id, args.title.strip(), args, content) + body(spec)).rstrip("\n") + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        log.error(f"无法新建页面：{project.display_path(rel)} 已经存在，不会覆盖。请直接编辑它，或换一个编号。")
        return 1

    problems = [f for f in validate(project, rendered=lambda page: page == rel).findings if f.error.path == rel]
    if problems:
        path.unlink()
        for finding in problems:
            log.error(finding.render(project))
        log.error("生成的页面没有通过检查，已删除。请按上面的提示修改命令参数后重试。")
        return 1
    if args.audience == model.DEFAULT_AUDIENCE:
        # Its address, once published, must keep working (urls/published.txt, kb/redirects.py).
        add_to_record(project, [rel])
    print(project.display_path(rel))
    log.info(f"已新建{spec.label}页面 {item_id}。请把标着 TODO 的地方按报告原文填好，然后运行 python scripts/check.py {project.display_path(rel)}")
    return 0

