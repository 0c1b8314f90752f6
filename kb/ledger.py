"""Rows of the problem list and the rectification ledger, shared by pages and exports."""
from __future__ import annotations

from . import model
from .index import ContentIndex
from .markdown_text import bullet_points


def problem_rows(index: ContentIndex) -> list[list[str]]:
    rows = [["编号", "问题", "主要表现", "原因分析", "整改措施", "来源"]]
    for problem in index.of_type("problem"):
        measures = index.referring(problem, "measure", "problems")
        rows.append([
            problem.id, problem.title,
            "\n".join(bullet_points(problem.sections.get(model.SECTION_MANIFESTATIONS, ""))),
            problem.sections.get(model.SECTION_CAUSES, "").strip(),
            "\n".join(f"{m.id} {m.title}" for m in measures),
            problem.source,
        ])
    return rows


def ledger_rows(index: ContentIndex) -> list[list[str]]:
    """整改台账: one row per problem and measure that addresses it."""
    rows = [["问题编号", "问题", "措施编号", "整改措施", "工作要求", "对应关系", "整改状态"]]
    for problem in index.of_type("problem"):
        for measure in index.referring(problem, "measure", "problems"):
            note = index.editorial_note(measure, "problems", problem.id)
            rows.append([
                problem.id, problem.title, measure.id, measure.title,
                measure.sections.get(model.SECTION_REQUIREMENTS, "").strip(),
                f"编辑归纳：{note}" if note else "报告明确",
                measure.get("status") or "",
            ])
    return rows
