"""The plan diff as GitHub-flavoured Markdown: a PR comment or $GITHUB_STEP_SUMMARY (pure)."""

from __future__ import annotations

from ..exception_words import kind_words
from .model import ExceptionRow, PlanDiff, SideInfo, TableDiff
from .words import (
    cell,
    headline,
    kpi_label,
    num,
    points,
    row_text,
    share,
    signed,
    table_counts,
    yaml_new,
    yaml_old,
)


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    right = right or set()
    out = ["| " + " | ".join(_esc(h) for h in header) + " |"]
    out.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    out += ["| " + " | ".join(_esc(c) for c in r) + " |" for r in rows]
    return out


def _side(s: SideInfo) -> str:
    return f"`{s.label}` ({s.commit[:7]})" if s.commit else s.label


def to_markdown(diff: PlanDiff) -> str:
    a, b = diff.a, diff.b
    if a.cycle and a.cycle != diff.cycle:  # two cycles: each side names its own
        title = f"cycles {a.cycle} → {diff.cycle}"
        sides = f"cycle {a.cycle} {_side(a)} → cycle {diff.cycle} {_side(b)}"
    else:
        title, sides = f"cycle {diff.cycle}", f"{_side(a)} → {_side(b)}"
    lines = [f"## Plan diff: {title}", "", sides, ""]
    lines += [f"**{headline(diff)}**", ""]
    lines += [*(f"> {note}" for note in diff.notes), *([""] if diff.notes else [])]
    for label, s in (("A", a), ("B", b)):
        if not s.ok:
            lines += [f"> **Side {label} ({s.label}) has no plan** ({s.status}):", "", "```"]
            lines += [*s.errors, "```", ""]
    lines += _outputs(diff)
    lines += _inputs(diff)
    lines += _yaml(diff)
    return "\n".join(lines).rstrip() + "\n"


def _outputs(diff: PlanDiff) -> list[str]:
    out = diff.outputs
    if out is None:
        return []
    cur = out.currency
    a, b = diff.a.label, diff.b.label
    lines = ["### Plan", ""]
    rows = [[kpi_label(d.name, cur), num(d.old), num(d.new), signed(d)] for d in out.kpis]
    lines += [*_table(["", a, b, "Δ"], rows, {1, 2, 3}), ""]
    moved = [p for p in out.periods if p.changed()]
    lines += ["### Demand and production per period", ""]
    if moved:
        rows = [
            [
                p.period,
                num(p.demand.old),
                num(p.demand.new),
                signed(p.demand),
                num(p.production.old),
                num(p.production.new),
                signed(p.production),
            ]
            for p in moved
        ]
        head = ["period", "demand A", "demand B", "Δ", "production A", "production B", "Δ"]
        lines += _table(head, rows, {1, 2, 3, 4, 5, 6})
        if len(moved) < len(out.periods):
            lines += ["", f"{len(out.periods) - len(moved)} other periods unchanged."]
    else:
        lines.append("No change in demand or production in any period.")
    lines += ["", "### Service level per segment", ""]
    rows = [[d.name, share(d.old), share(d.new), points(d)] for d in out.service]
    lines += [*_table(["segment", a, b, "Δ"], rows, {1, 2, 3}), ""]
    lines += ["### Exceptions", ""]
    rows = [[kind_words(d.name), num(d.old), num(d.new), signed(d)] for d in out.exceptions_by_kind]
    if rows:
        lines += [*_table(["kind", a, b, "Δ"], rows, {1, 2, 3}), ""]
    lines.append(
        f"{out.appeared_count} appeared, {out.cleared_count} cleared, {out.kept_count} still open."
    )
    shown = [("appeared", e) for e in out.appeared] + [("cleared", e) for e in out.cleared]
    if shown:
        rows = [
            [tag, e.label, e.what, e.period, num(e.quantity) + _unit(e), num(e.value)]
            for tag, e in shown
        ]
        head = ["", "exception", "what", "period", "quantity", f"at stake ({cur})"]
        lines += ["", *_table(head, rows, {4, 5})]
        lines += _more(out.appeared_count, len(out.appeared), "appeared exceptions")
        lines += _more(out.cleared_count, len(out.cleared), "cleared exceptions")
    return [*lines, ""]


def _more(total: int, shown: int, what: str) -> list[str]:
    return ["", f"… and {total - shown} more {what}."] if total > shown else []


def _inputs(diff: PlanDiff) -> list[str]:
    lines = ["### Inputs", ""]
    rows = [[t.file, t.table, ", ".join(t.key), table_counts(t)] for t in diff.tables]
    lines += [*_table(["file", "table", "key", "rows"], rows), ""]
    for t in diff.tables:
        if t.status == "unchanged" and not t.notes:
            continue
        lines += _table_detail(t, diff.limit)
    return lines


def _table_detail(t: TableDiff, limit: int) -> list[str]:
    lines = [f"#### {t.file}", ""]
    lines += [f"- note: {n}" for n in t.notes]
    if t.columns_added:
        lines.append(f"- columns added: {', '.join(t.columns_added)}")
    if t.columns_removed:
        lines.append(f"- columns removed: {', '.join(t.columns_removed)}")
    if lines[-1] != "":
        lines.append("")
    if t.changes:
        key = list(t.key)
        rows = [
            [*(cell(c.key.get(k)) for k in key), x.column, cell(x.old), cell(x.new)]
            for c in t.changes
            for x in c.cells
        ]
        lines += [f"Changed rows ({t.changed}):", ""]
        lines += [*_table([*key, "column", "old", "new"], rows), ""]
        lines += _more(t.changed, len(t.changes), "changed rows")
    for what, count, items in (
        ("Added", t.added, t.added_rows),
        ("Removed", t.removed, t.removed_rows),
    ):
        if items:
            lines += [f"{what} rows ({count}):", ""]
            lines += [f"- {row_text(r, t.key)}" for r in items]
            if count > len(items):
                lines.append(f"- … and {count - len(items)} more")
            lines.append("")
    return lines


def _yaml(diff: PlanDiff) -> list[str]:
    changed = [y for y in diff.yaml if y.changes or y.notes]
    if not changed:
        return ["### Charter and cycle", "", "No change.", ""]
    rows = []
    for y in changed:
        rows += [[y.file, f"({n})", "", ""] for n in y.notes]
        rows += [[y.file, c.path, yaml_old(c), yaml_new(c)] for c in y.changes]
    return ["### Charter and cycle", "", *_table(["file", "key", "old", "new"], rows), ""]


def _unit(e: ExceptionRow) -> str:
    """' hours' after a resource's overload, ' units' after a supplier's; '' for an item's."""
    return f" {e.unit}" if e.kind == "overload" else ""
