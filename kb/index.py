"""The content index: one per build and audience, built before any page renders.

It answers every question the renderers ask (by id, by type, by tag,
backlinks) in constant time, so generated pages never rescan the docs.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
import posixpath

from pypinyin import lazy_pinyin

from . import model
from .links import linked_files
from .loader import Content


@dataclass(frozen=True)
class Link:
    """One edge as seen from one page: the other item, the group heading, and an editorial note."""

    item: model.Item
    label: str
    editorial: str | None = None


def pinyin_order(item: model.Item) -> tuple[str, str, str]:
    """Where an item stands in a list read in pinyin order (pypinyin reads each character;
    the title and ID decide between titles that sound alike)."""
    return (" ".join(lazy_pinyin(item.title)), item.title, item.id)


class ContentIndex:
    def __init__(self, content: Content, audience: str = model.DEFAULT_AUDIENCE):
        self.content = content
        self.audience = audience
        self._excluded: set[str] | None = None
        self.items: dict[str, model.Item] = {
            item_id: item for item_id, item in sorted(content.items.items())
            if self.visible(item.audience)
        }
        self.by_path = {item.path: item for item in self.items.values()}
        self.by_type: dict[str, list[model.Item]] = defaultdict(list)
        self.by_tag: dict[str, list[model.Item]] = defaultdict(list)
        self.backlinks: dict[str, list[tuple[model.Item, model.Relation]]] = defaultdict(list)
        self.positions: dict[str, int] = {}
        for item in self.items.values():
            self.by_type[item.type].append(item)
        for type_name, items in self.by_type.items():
            if model.TYPES[type_name].sorted_by_pinyin:
                items.sort(key=pinyin_order)
            for position, item in enumerate(items, start=1):
                self.positions[item.id] = position
        for item in self.items.values():
            for tag in item.tags:
                self.by_tag[tag].append(item)
            for relation in item.relations:
                if relation.target in self.items:
                    self.backlinks[relation.target].append((item, relation))

    def visible(self, audience: str) -> bool:
        return self.audience == "internal" or audience == "public"

    def excluded_paths(self) -> set[str]:
        """Docs-relative paths of every page and file this audience must not see.

        For the public site that is every internal page, every attachment lying
        beside one (`problems/problem-09.pdf`, `problems/problem-09-…`,
        `problems/problem-09/…`), and every attachment no public page links to:
        a file is published only because a public page needs it. Under assets/ the
        stylesheets and their images are kept (no page links them), unless an internal
        page links a file there and no public page does."""
        if self._excluded is None:
            hidden = {path for path, page in self.content.pages.items() if not self.visible(page.audience)}
            if self.audience != "internal":
                hidden |= self._hidden_files(hidden)
            self._excluded = hidden
        return self._excluded

    def _hidden_files(self, hidden_pages: set[str]) -> set[str]:
        public_pages = [path for path in self.content.pages if path not in hidden_pages]
        linked = linked_files(self.content, public_pages)
        linked_internally = linked_files(self.content, hidden_pages)
        stems = tuple(path[: -len(".md")] for path in hidden_pages)
        hidden = set()
        for path in self.content.static_files:
            if path.startswith(model.ASSETS_FOLDER + "/"):
                if path in linked_internally and path not in linked:
                    hidden.add(path)
                continue
            beside_internal = any(path.startswith((stem + ".", stem + "-", stem + "/")) for stem in stems)
            if beside_internal or path not in linked:
                hidden.add(path)
        return hidden

    def get(self, item_id: str) -> model.Item | None:
        return self.items.get(item_id)

    def of_type(self, type_name: str) -> list[model.Item]:
        return list(self.by_type.get(type_name, []))

    def related(self, item: model.Item, key: str) -> list[model.Item]:
        """Visible items `item` declares under `key`, in declared order."""
        return [self.items[r.target] for r in item.relations if r.key == key and r.target in self.items]

    def referring(self, item: model.Item, source_type: str, key: str) -> list[model.Item]:
        """Visible items of `source_type` that list `item` under `key`."""
        return [source for source, r in self.backlinks.get(item.id, []) if source.type == source_type and r.key == key]

    def editorial_note(self, source: model.Item, key: str, target_id: str) -> str | None:
        for relation in source.relations:
            if relation.key == key and relation.target == target_id:
                return relation.editorial
        return None

    def links(self, item: model.Item) -> list[Link]:
        """Every visible relation of `item`, both directions, labelled for display."""
        result = []
        for relation in item.relations:
            target = self.items.get(relation.target)
            if target is not None:
                result.append(Link(target, model.outgoing_label(item.type, relation.key), relation.editorial))
        for source, relation in self.backlinks.get(item.id, []):
            result.append(Link(source, model.incoming_label(source.type, relation.key), relation.editorial))
        return result

    def grouped_links(self, item: model.Item) -> list[tuple[str, list[Link]]]:
        groups: dict[str, list[Link]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for link in self.links(item):
            if (link.label, link.item.id) in seen:
                continue
            seen.add((link.label, link.item.id))
            groups[link.label].append(link)
        order = {label: position for position, label in enumerate(model.GROUP_ORDER)}
        return sorted(groups.items(), key=lambda pair: order.get(pair[0], len(order)))

    def session_items(self, session: model.Item) -> list[model.Item]:
        """Items a training session covers: its listed ids, then items with its tags."""
        chosen = [self.items[i] for i in session.get("items") or [] if i in self.items]
        for tag in session.tags:
            chosen.extend(i for i in self.by_tag.get(tag, []) if not i.spec.gathers_items)
        unique = {}
        for item in chosen:
            unique.setdefault(item.id, item)
        return list(unique.values())


def relative_link(from_path: str, to_path: str) -> str:
    """Markdown link from one docs-relative page to another, which mkdocs validates and rewrites."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
