"""Reading the plan: the current version, its section tree, sections by code, the glossary."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet, Subquery

from machikoe.plan.models import GlossaryTerm, Plan, PlanVersion, Section


def primary_plan() -> Plan | None:
    """The ward's plan: the first one loaded (the seed unless another was loaded first)."""
    return Plan.objects.order_by("id").first()


def current_version(plan: Plan | None = None) -> PlanVersion | None:
    """The latest version of `plan` (default: the primary plan), with its plan, in one query."""
    versions = PlanVersion.objects.select_related("plan").order_by("-number")
    if plan is not None:
        return versions.filter(plan=plan).first()
    first_plan = Plan.objects.order_by("id").values("id")[:1]
    return versions.filter(plan_id=Subquery(first_plan)).first()


def versions(plan: Plan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("created_by").order_by("-number")


def version_by_number(plan: Plan, number: int) -> PlanVersion | None:
    return plan.versions.filter(number=number).first()


@dataclass
class Node:
    """A section with its children, built from one query."""

    section: Section
    children: list[Node] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.section.code

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def tree(version: PlanVersion) -> list[Node]:
    """The version's sections as a forest, in document order (one query)."""
    nodes = {s.id: Node(s) for s in Section.objects.filter(version=version).order_by("order", "id")}
    roots: list[Node] = []
    for node in nodes.values():
        parent_id = node.section.parent_id
        if parent_id is not None and parent_id in nodes:
            nodes[parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


def find_node(roots: list[Node], code: str) -> Node | None:
    for root in roots:
        for node in root.walk():
            if node.code == code:
                return node
    return None


def ancestors(roots: list[Node], code: str) -> list[Node]:
    """The chain of nodes from a root down to (not including) the node with `code`."""

    def search(nodes: list[Node], trail: list[Node]) -> list[Node] | None:
        for node in nodes:
            if node.code == code:
                return trail
            found = search(node.children, [*trail, node])
            if found is not None:
                return found
        return None

    return search(roots, []) or []


def glossary(version: PlanVersion) -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.filter(version=version).order_by("number")


def section_by_code(version: PlanVersion, code: str) -> Section | None:
    return Section.objects.filter(version=version, code=code).first()
