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
# scripts only in the project's own reviewed assets folder.
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


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # "str", "line", "date", "list[str]", "choice", "list[line]"
    required: bool = False
    choices: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class TypeSpec:
    name: str
    label: str  # singular Chinese label, e.g. 整改措施
    folder: str  # docs/<folder>/<id>.md
    relations: tuple[str, ...] = ()
    required_relations: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    sections: tuple[str, ...] = ()  # required `## ` sections in the body
    index_columns: tuple[str, ...] = ()  # extra columns in the type index


COMMON_FIELDS = (
    FieldSpec("id", "str", required=True, label="编号"),
    FieldSpec("type", "str", required=True, label="类型"),
    FieldSpec("title", "line", required=True, label="标题"),
    FieldSpec("audience", "choice", choices=AUDIENCES, label="可见范围"),
    FieldSpec("source", "line", required=True, label="来源"),
    FieldSpec("summary", "line", label="摘要"),
    FieldSpec("tags", "list[tag]", label="标签"),
    FieldSpec("updated", "date", label="更新日期"),
)

POLICY_KINDS = ("规定", "文件", "会议精神", "专项行动", "工作机制")
MEASURE_STATUSES = ("未开始", "整改中", "已完成", "长期坚持")

TYPES: dict[str, TypeSpec] = {
    spec.name: spec
    for spec in (
        TypeSpec(
            "report", "督导调研报告", "reports",
            relations=("policies", "terms"),
        ),
        TypeSpec(
            "policy", "政策制度", "policies",
            relations=("policies", "terms", "report"),
            fields=(
                FieldSpec("issuer", "line", label="制定或部署机关"),
                FieldSpec("kind", "choice", choices=POLICY_KINDS, label="类别"),
            ),
            index_columns=("kind",),
        ),
        TypeSpec(
            "practice", "典型做法", "practices",
            relations=("policies", "terms", "report"),
            sections=(SECTION_ACTIONS,),
        ),
        TypeSpec(
            "problem", "存在问题", "problems",
            relations=("policies", "terms", "report"),
            sections=(SECTION_MANIFESTATIONS, SECTION_CAUSES),
        ),
        TypeSpec(
            "measure", "整改措施", "measures",
            relations=("problems", "policies", "terms", "report"),
            required_relations=("problems",),
            fields=(FieldSpec("status", "choice", choices=MEASURE_STATUSES, label="整改状态"),),
            sections=(SECTION_REQUIREMENTS,),
        ),
        TypeSpec(
            "term", "术语", "terms",
            relations=("terms", "policies"),
            fields=(
                FieldSpec("definition", "line", required=True, label="释义"),
                FieldSpec("aliases", "list[line]", label="别称"),
            ),
        ),
        TypeSpec(
            "session", "培训专题", "sessions",
            fields=(
                FieldSpec("date", "date", label="培训日期"),
                FieldSpec("trainees", "line", label="培训对象"),
                FieldSpec("items", "list[id]", label="涵盖条目"),
                FieldSpec("agenda", "list[line]", label="议程"),
            ),
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
}
CITED_BY_LABEL = "被引用于"

# Order in which relation groups appear on a page.
GROUP_ORDER = (
    "所属报告", "发现该问题的报告", "针对的问题", "存在问题", "整改措施", "典型做法",
    "落实该政策的典型做法", "涉及该政策的问题", "依据该政策的整改措施",
    "相关政策", "依据和引用的政策", "相关术语", CITED_BY_LABEL,
)

# Front matter keys allowed on pages that are not typed items (home, guides,
# section index pages).
UNTYPED_KEYS = ("title", "audience", "tags") + THEME_KEYS


def type_spec(name: str) -> TypeSpec | None:
    return TYPES.get(name)


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
