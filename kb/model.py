"""The content model: page types, their fields and relations, declared once.

Everything else (loader, index, renderers, scripts, CONTRIBUTING) reads the
model from here, so a new field or type is added in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import re

AUDIENCES = ("public", "internal")
DEFAULT_AUDIENCE = "public"

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

# Keys that mkdocs or Material read from front matter and that editors may use
# on any page, with the values the theme understands (anything else would crash it
# or reach its templates unchecked). `render_macros` is deliberately absent: it
# would switch on the unsandboxed Jinja rendering of mkdocs-macros; `icon` and
# `template` would make the theme read files by a name from the page.
THEME_KEYS = ("description", "hide", "search")
HIDE_VALUES = ("navigation", "toc", "footer")
SEARCH_KEYS = ("exclude",)

# Files other than pages that docs/ may hold. Everything in docs/ is published as it
# is, so only types that cannot run script in a browser are allowed; stylesheets and
# scripts only where mkdocs.yml lists them (extra_css, extra_javascript: reviewed).
STATIC_FILE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf", ".doc", ".docx",
                               ".xls", ".xlsx", ".ppt", ".pptx", ".csv", ".txt"})
ASSETS_FOLDER = "assets"
ASSET_FILE_TYPES = frozenset({".css", ".js"})
# What mkdocs also reads as Markdown (mkdocs.utils.markdown_extensions); the loader reads `.md` only.
OTHER_MARKDOWN_SUFFIXES = frozenset({".markdown", ".mdown", ".mkdn", ".mkd"})

# Every `***` of the source report is one of these names, rendered as `{{ org.name }}`
# and set once in mkdocs.yml `extra.org`; the defaults are neutral.
@dataclass(frozen=True)
class Redaction:
    """A name the report hides as `***`: pages write `{{ org.<name> }}`, mkdocs.yml's
    extra.org may set the real value once for the whole site."""

    default: str
    meaning: str


# Declared here only; mkdocs.yml sets values, CONTRIBUTING and the macro guide list the names.
REDACTIONS = {
    "city": Redaction("××", "“***市文化和旅游局”“***市纪委监委”中的市名"),
    "superior": Redaction("××", "“中央、省委、***和***市委”中的第一处"),
    "superior_city": Redaction("××", "同上句中的第二处（“***市委”）"),
    "plan_issuer": Redaction("××", "《中共***市委关于落实<…>的实施方案》中的第一处"),
    "opinion_issuer": Redaction("××", "同一文件名中“<中共***市委关于争做清廉建设标杆城市的意见>”"),
    "visit_date": Redaction("××××年××月××日", "督导调研日期"),
    "province": Redaction("××", "“***省第***次党代会”中的省名"),
    "congress_session": Redaction("××", "同上句中的届次"),
    "red_culture_area": Redaction("××", "“***红色文化传承发展示范区”“***红色文化传承发展主题研讨会”"),
    "people": Redaction("××", "“充分展示***人民舍身报国的家国情怀”"),
    "play_title": Redaction("《××》", "红色经典剧目名称"),
    "city_meeting": Redaction("××", "“全市***相关会议精神”"),
    "theme_education": Redaction("××", "“‘***’主题教育活动”"),
}
REDACTION_DEFAULTS = {name: redaction.default for name, redaction in REDACTIONS.items()}

# Page sections an editor writes as `## 标题`; renderers reuse their Markdown.
SECTION_MANIFESTATIONS = "主要表现"
SECTION_CAUSES = "原因分析"
SECTION_REQUIREMENTS = "工作要求"
SECTION_ACTIONS = "具体做法"
# A problem's points for a unit to check itself against (自查清单); without them, its 主要表现.
SELF_CHECK_FIELD = "self_check"


@dataclass(frozen=True)
class RecordField:
    """One key of an entry in a list of records, e.g. a milestone's `date`."""

    name: str
    kind: str  # "line", "date", "url", "bool", "choice"
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldSpec:
    name: str
    # "str" (an id or type), "line" (one line of text), "date", "choice", "list[line]",
    # "list[tag]" (tags of data/tags.yml), "list[id]" (ids of visible items),
    # "list[record]" (entries with the keys in `record`)
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    label: str = ""
    hint: str = ""  # the comment new.py writes above the key
    example: str = ""  # the commented-out example new.py writes for an optional key
    in_header: bool = False  # shown in the fact line at the top of the item's page
    # Bounds on what the engine scans for on every page (glossary terms and their aliases).
    max_chars: int = 0
    max_items: int = 0
    # The keys of each entry of a "list[record]" field (a milestone, a piece of evidence).
    record: tuple[RecordField, ...] = ()
    # Left out when not known, never written as the word the site shows then (STATUS_UNKNOWN):
    # a unit called 待明确 would count as recorded and merge with the measures that have none.
    blank_when_unknown: bool = False


@dataclass(frozen=True)
class SectionSpec:
    """A `## ` section of an item page's body."""

    name: str
    hint: str  # what goes in it, for new.py's template
    required: bool = True  # required sections are copied into checklists, the ledger and exports
    bulleted: bool = False  # written as one `- ` line per point


@dataclass(frozen=True)
class TypeSpec:
    name: str
    label: str  # singular Chinese label, e.g. 整改措施
    folder: str  # docs/<folder>/<id>.md
    relations: tuple[str, ...] = ()
    required_relations: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    section_specs: tuple[SectionSpec, ...] = ()
    index_columns: tuple[str, ...] = ()  # extra columns in the type index
    # Items numbered in the report are known by their place in it (问题一, 措施二), and
    # new.py numbers them itself (problem-05); the others get a name-like id from the editor.
    short_prefix: str = ""
    id_example: str = ""
    # A field shown in a box under the title, and used in lists when there is no summary.
    callout_field: str = ""
    # A training session gathers other items: its page lists them, and tag listings leave it out.
    gathers_items: bool = False
    # Glossary terms are looked for on every page: their titles stay short.
    title_max_chars: int = 0
    # Added to a page's search score when the query is its title or a key: a term's page is
    # the page about its word, ahead of a policy or measure of the same name.
    search_boost: int = 0
    # How much a word in the page's text counts, against 1 for the report's own items: a
    # term's page quotes the items that use it, a session's page lists what it covers.
    search_text_weight: float = 1.0
    # Listed in the pinyin order of their titles, on the web and on paper (a glossary), rather
    # than in the order of their IDs.
    sorted_by_pinyin: bool = False

    @property
    def numbered(self) -> bool:
        return bool(self.short_prefix)

    @property
    def sections(self) -> tuple[str, ...]:
        """Names of the required sections."""
        return tuple(s.name for s in self.section_specs if s.required)

    @property
    def template_sections(self) -> tuple[SectionSpec, ...]:
        """The sections new.py writes: the required ones, or else the usual ones."""
        required = tuple(s for s in self.section_specs if s.required)
        return required or self.section_specs


COMMON_FIELDS = (
    FieldSpec("id", "str", required=True, label="编号"),
    FieldSpec("type", "str", required=True, label="类型"),
    FieldSpec("title", "line", required=True, label="标题"),
    FieldSpec("audience", "choice", choices=AUDIENCES, label="可见范围",
              hint="可见范围（可选）：默认 public（公开版）；仅限内部时写 internal。", example="internal"),
    FieldSpec("source", "line", required=True, label="来源",
              hint="出处：报告中的章节，例如“督导调研报告 二、1”；公开资料写明文件名称和条款。"),
    FieldSpec("summary", "line", label="摘要", hint="摘要（可选）：一句话概括，显示在列表和搜索结果中。", example="一句话概括"),
    FieldSpec("tags", "list[tag]", label="标签", hint="标签（可选）：只能用 data/tags.yml 中登记的标签。"),
    FieldSpec("updated", "date", label="更新日期", hint="更新日期（可选）：修改内容后写上当天日期，格式 2026-11-28。",
              example="2026-11-28"),
)

POLICY_KINDS = ("规定", "文件", "会议精神", "专项行动", "工作机制")

# Rectification (整改): where each measure stands. The report gives none of this, so its
# measures show STATUS_UNKNOWN; an editor fills the fields in as rectification goes on.
RECTIFICATION_STATUSES = ("待整改", "整改中", "已整改", "已销号", "长期坚持", "申请延期")
STATUS_UNKNOWN = "待明确"
# Statuses that count as done on the dashboard: 长期坚持 is a measure whose rectification is
# complete and is kept up as a standing rule.
STATUSES_DONE = ("已整改", "已销号", "长期坚持")
# Values of an earlier version of the list, with the value that replaced them (for the hint).
FORMER_STATUSES = {"未开始": "待整改", "已完成": "已整改"}
# Units and people are names: a bound keeps the ledger's columns and the charts' labels readable.
OWNER_MAX_CHARS = 50

MILESTONE_FIELDS = (
    RecordField("date", "date", "日期", required=True),
    RecordField("text", "line", "阶段目标", required=True),
    RecordField("done", "bool", "已完成"),
)
EVIDENCE_FIELDS = (
    RecordField("title", "line", "材料名称", required=True),
    RecordField("url", "url", "链接"),
    RecordField("date", "date", "日期"),
    # Evidence may be internal (a meeting's minutes) on a public measure: public builds leave it out.
    RecordField("audience", "choice", "可见范围", choices=AUDIENCES),
)

_POINTS = "每条一行，以“- ”开头。"
# A glossary term and each alias is marked wherever it occurs on any page, so their length
# and number bound the cost of every page (a 5,000-character alias made marking take a minute).
TERM_MAX_CHARS = 30
TERM_MAX_ALIASES = 20

TYPES: dict[str, TypeSpec] = {
    spec.name: spec
    for spec in (
        TypeSpec(
            "report", "督导调研报告", "reports",
            relations=("policies", "terms"),
            fields=(
                FieldSpec("round", "line", label="督导轮次", in_header=True,
                          hint="督导轮次（可选）：同一单位接受第二次督导检查时，写明轮次以便对照。", example="第二轮"),
                FieldSpec("inspected_unit", "line", label="督导调研对象", in_header=True,
                          hint="督导调研对象（可选）：照录报告中的写法。", example="市文化和旅游局"),
            ),
            section_specs=(SectionSpec("基本情况", "报告开头对督导调研对象和基本情况的介绍。", required=False),),
            short_prefix="报告",
        ),
        TypeSpec(
            "policy", "政策制度", "policies",
            relations=("policies", "terms", "report"),
            fields=(
                FieldSpec("kind", "choice", choices=POLICY_KINDS, label="类别", in_header=True,
                          hint="类别（可选），可选值：" + "、".join(POLICY_KINDS) + "。"),
                FieldSpec("issuer", "line", label="制定或部署机关", in_header=True, hint="制定或部署机关（可选）。",
                          example="制定或部署机关"),
            ),
            section_specs=(
                SectionSpec("概述", "只写公开发布的事实，并在 source 中注明出处。", required=False),
                SectionSpec("报告中的相关内容", "报告中提到这项政策的地方，注明章节，例如“一、1”。", required=False),
            ),
            index_columns=("kind",),
            id_example="policy-eight-point-regulation",
        ),
        TypeSpec(
            "practice", "典型做法", "practices",
            relations=("policies", "terms", "report"),
            section_specs=(SectionSpec(SECTION_ACTIONS, "按报告原文逐条列出具体做法，" + _POINTS, bulleted=True),),
            short_prefix="做法",
        ),
        TypeSpec(
            "problem", "存在问题", "problems",
            relations=("policies", "terms", "report", "repeats"),
            fields=(FieldSpec(SELF_CHECK_FIELD, "list[line]", label="自查要点",
                              hint="自查要点（可选）：各单位对照自查的问题，每条一行；不写时自查清单列出“主要表现”。",
                              example="[本单位是否……, 本单位是否……]"),),
            section_specs=(
                SectionSpec(SECTION_MANIFESTATIONS, "按报告原文逐条列出问题的表现，" + _POINTS, bulleted=True),
                SectionSpec(SECTION_CAUSES, "照录报告中的原因分析。"),
            ),
            short_prefix="问题",
        ),
        TypeSpec(
            "measure", "整改措施", "measures",
            relations=("problems", "policies", "terms", "report"),
            required_relations=("problems",),
            fields=(
                FieldSpec("status", "choice", choices=RECTIFICATION_STATUSES, label="整改状态",
                          hint="整改状态（可选，按实际进展填写；报告没有写明的不要填）：" + "、".join(RECTIFICATION_STATUSES) + "。",
                          example="整改中"),
                FieldSpec("owner_unit", "line", max_chars=OWNER_MAX_CHARS, blank_when_unknown=True, label="责任单位", hint="责任单位（可选）。", example="局办公室"),
                FieldSpec("owner", "line", max_chars=OWNER_MAX_CHARS, blank_when_unknown=True, label="责任人", hint="责任人或岗位（可选）。", example="分管副局长"),
                FieldSpec("deadline", "date", label="完成时限", hint="完成时限（可选），格式 2026-12-31；过期未完成的显示为逾期。",
                          example="2026-12-31"),
                FieldSpec("milestones", "list[record]", label="阶段目标", record=MILESTONE_FIELDS,
                          hint="阶段目标（可选）：每项写 date（日期）、text（目标），完成后加 done: true。",
                          example="\n  - date: 2026-12-15\n    text: 完成制度修订\n    done: true"),
                FieldSpec("evidence", "list[record]", label="佐证材料", record=EVIDENCE_FIELDS,
                          hint="佐证材料（可选）：每项写 title（名称），可加 url（网址）、date（日期）；"
                               "仅限内部查看的加 audience: internal，公开版不显示。",
                          example="\n  - title: 专题学习会议纪要\n    date: 2026-12-10\n    audience: internal"),
                FieldSpec("verified_by", "line", max_chars=OWNER_MAX_CHARS, blank_when_unknown=True, label="验收人", hint="验收（销号）人或部门（可选）。", example="派驻纪检监察组"),
                FieldSpec("verified_on", "date", label="验收日期", hint="验收（销号）日期（可选）。", example="2026-12-31"),
            ),
            section_specs=(SectionSpec(SECTION_REQUIREMENTS, "按报告原文逐条列出工作要求，" + _POINTS, bulleted=True),),
            short_prefix="措施",
        ),
        TypeSpec(
            "term", "术语", "terms",
            relations=("terms", "policies"),
            fields=(
                FieldSpec("definition", "line", required=True, label="释义", hint="释义：一句话，显示在术语表和鼠标提示中。"),
                FieldSpec("aliases", "list[line]", label="别称", hint="别称（可选）：报告中出现的其他叫法。",
                          example="[别称一, 别称二]", max_chars=TERM_MAX_CHARS, max_items=TERM_MAX_ALIASES),
            ),
            section_specs=(
                SectionSpec("释义", "用几句话解释这个术语，只写公开资料中的说法。", required=False),
                SectionSpec("在报告中", "报告中出现这个术语的地方，注明章节。", required=False),
            ),
            id_example="term-yigang-shuangze",
            callout_field="definition",
            title_max_chars=TERM_MAX_CHARS,
            search_boost=5,
            sorted_by_pinyin=True,
            search_text_weight=0.8,
        ),
        TypeSpec(
            "session", "培训专题", "sessions",
            fields=(
                FieldSpec("date", "date", label="培训日期", hint="培训日期（可选）：只写实际日期，格式 2026-11-28。"),
                FieldSpec("trainees", "line", label="培训对象", hint="培训对象（可选）。", example="新入职党员干部"),
                FieldSpec("items", "list[id]", label="涵盖条目", hint="涵盖条目（可选）：要学习的条目编号。",
                          example="[problem-01, measure-01]"),
                FieldSpec("agenda", "list[line]", label="议程", hint="议程（可选）：每项一行。",
                          example="[学习报告, 观看警示教育片, 交流讨论]"),
            ),
            section_specs=(SectionSpec("培训说明", "这次培训的目的和安排。学习内容由 items 和 tags 自动汇总，不用在这里列出。",
                                       required=False),),
            id_example="session-induction",
            gathers_items=True,
            search_text_weight=0.5,
        ),
    )
}

# Relation key -> the type its IDs must have.
RELATION_TARGETS = {
    "policies": "policy",
    "practices": "practice",
    "problems": "problem",
    "measures": "measure",
    "terms": "term",
    "report": "report",
    # A problem found again in a later inspection round names the earlier one (问题反弹).
    "repeats": "problem",
}

# Plural labels used for index pages and relation blocks.
TYPE_PLURAL_LABELS = {
    "report": "督导调研报告",
    "policy": "政策制度",
    "practice": "典型做法",
    "problem": "存在问题",
    "measure": "整改措施",
    "term": "术语",
    "session": "培训专题",
}

# Heading of a relation group on the page that declares it.
OUTGOING_LABELS = {
    "policies": "相关政策",
    "practices": "典型做法",
    "problems": "针对的问题",
    "measures": "整改措施",
    "terms": "相关术语",
    "report": "所属报告",
    "repeats": "此前轮次的同类问题",
}
OUTGOING_LABEL_OVERRIDES = {
    ("problem", "report"): "发现该问题的报告",
    ("term", "terms"): "相关术语",
}

# Heading of a relation group on the target page (backlinks). Anything not
# listed is shown under "被引用于".
INCOMING_LABELS = {
    ("measure", "problems"): "整改措施",
    ("practice", "report"): "典型做法",
    ("problem", "report"): "存在问题",
    ("measure", "report"): "整改措施",
    ("policy", "report"): "依据和引用的政策",
    ("practice", "policies"): "落实该政策的典型做法",
    ("problem", "policies"): "涉及该政策的问题",
    ("measure", "policies"): "依据该政策的整改措施",
    ("policy", "policies"): "相关政策",
    ("term", "policies"): "相关术语",
    ("term", "terms"): "相关术语",
    ("problem", "repeats"): "后续轮次再次出现",
}
CITED_BY_LABEL = "被引用于"

# Order in which relation groups appear on a page.
GROUP_ORDER = (
    "所属报告", "发现该问题的报告", "此前轮次的同类问题", "后续轮次再次出现", "针对的问题", "存在问题", "整改措施", "典型做法",
    "落实该政策的典型做法", "涉及该政策的问题", "依据该政策的整改措施",
    "相关政策", "依据和引用的政策", "相关术语", CITED_BY_LABEL,
)

# The order a reader meets the types in printed material: the report, what it praises,
# what it finds, what it asks for, then the policies and terms behind them.
READING_ORDER = ("report", "practice", "problem", "measure", "policy", "term")

# Front matter keys allowed on pages that are not typed items (home, guides,
# section index pages).
UNTYPED_KEYS = ("title", "audience", "tags") + THEME_KEYS


def type_spec(name: str) -> TypeSpec | None:
    return TYPES.get(name)


def known_type(name: object) -> TypeSpec:
    """The spec of a type name a page passes to a macro; a ValueError in Chinese otherwise
    (the template sandbox shows it with the page's line)."""
    spec = TYPES.get(name) if isinstance(name, str) else None
    if spec is None:
        raise ValueError(f"未知的类型“{name}”，可选值：{'、'.join(TYPES)}")
    return spec


def allowed_keys(spec: TypeSpec) -> set[str]:
    keys = {f.name for f in COMMON_FIELDS} | {f.name for f in spec.fields}
    keys |= set(spec.relations) | set(THEME_KEYS)
    return keys


def field_specs(spec: TypeSpec) -> dict[str, FieldSpec]:
    return {f.name: f for f in COMMON_FIELDS + spec.fields}


def outgoing_label(source_type: str, key: str) -> str:
    return OUTGOING_LABEL_OVERRIDES.get((source_type, key), OUTGOING_LABELS[key])


def incoming_label(source_type: str, key: str) -> str:
    return INCOMING_LABELS.get((source_type, key), CITED_BY_LABEL)


@dataclass
class Relation:
    key: str
    target: str
    line: int
    editorial: str | None = None


@dataclass
class Item:
    """A typed page: one policy, practice, problem, measure, term, report or session."""

    id: str
    type: str
    title: str
    path: str  # docs-relative, POSIX separators
    audience: str = DEFAULT_AUDIENCE
    source: str = ""
    fields: dict = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def spec(self) -> TypeSpec:
        return TYPES[self.type]

    def get(self, name: str, default=None):
        return self.fields.get(name, default)

    @property
    def tags(self) -> list[str]:
        return list(self.fields.get("tags") or [])

    @property
    def summary(self) -> str:
        return self.fields.get("summary") or ""

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)
