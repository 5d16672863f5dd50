"""The edge of `sopctl check` towards git: the touched cycles, the changed rows (the base:
`base.py`).

Every git call goes through `sopctl.vcs`; the rows of each changed input file are compared in
`rows.py`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import vcs
from ..plandiff.yamldiff import diff_yaml
from ..yamlio import YamlDoc, parse_yaml
from .approvals import approval_edits
from .model import CycleChanges, OwnedEdit, YamlEdit
from .rows import Head, read_frame, row_edits

if TYPE_CHECKING:
    import polars as pl

    from ..schemas.charter import Charter

DECIDED = ("approved", "committed", "closed")  # statuses a new cycle.yaml may not open with


def repo_prefix(root: Path) -> str:
    """The planning repository's folder inside the git repository: '' or 'sub/'."""
    top = vcs.repo_top(root).resolve()
    rel = root.resolve().relative_to(top).as_posix()
    return "" if rel == "." else rel + "/"


def deleted_cycles(
    root: Path, prefix: str, base: str | None, commits: list[vcs.CommitChange]
) -> list[tuple[str, str]]:
    """(cycle, charter) of each cycle whose cycle.yaml the range removed: it was there at the
    base and is gone from the checkout. The charter is the one its cycle.yaml named."""
    out = []
    named = {
        parts[1]
        for c in commits
        for p in c.paths
        if p.startswith(prefix)
        and len(parts := p[len(prefix) :].split("/")) == 3
        and parts[0] == "cycles"
        and parts[2] == "cycle.yaml"
    }
    for cycle in sorted(named):
        rel = f"cycles/{cycle}/cycle.yaml"
        if base is None or os.path.lexists(root / rel):
            continue
        blob = vcs.show_file(root, base, prefix + rel)
        if blob is None:  # added and deleted again inside the range
            continue
        try:
            doc, _ = parse_yaml(rel, blob.decode("utf-8"))
        except UnicodeDecodeError:
            doc = None
        name = named_charter(doc.data if doc else None)
        if name is not None:
            out.append((cycle, name))
    return out


def named_charter(data: Any) -> str | None:
    """The charter a cycle.yaml's data names (its `charter` key), None when it names none."""
    name = data.get("charter") if isinstance(data, dict) else None
    return str(name) if name is not None else None


def cycle_charter(root: Path, cycle: str) -> str | None:
    path = root / "cycles" / cycle / "cycle.yaml"
    try:
        doc, _ = parse_yaml(path.name, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return named_charter(doc.data if doc else None)


def touched_cycles(root: Path, prefix: str, commits: list[vcs.CommitChange]) -> list[str]:
    """Cycles (present in the checkout) whose folder or charter a commit of the range changed."""
    cycles: set[str] = set()
    charters: set[str] = set()
    for c in commits:
        for p in c.paths:
            if not p.startswith(prefix):
                continue
            parts = p[len(prefix) :].split("/")
            if len(parts) >= 3 and parts[0] == "cycles":
                cycles.add(parts[1])
            elif len(parts) == 2 and parts[0] == "charters" and parts[1].endswith(".yaml"):
                charters.add(parts[1].removesuffix(".yaml"))
    present = sorted(p.parent.name for p in (root / "cycles").glob("*/cycle.yaml"))
    if charters:
        cycles |= {c for c in present if cycle_charter(root, c) in charters}
    return [c for c in present if c in cycles]


def _loc(doc: YamlDoc, key_path: str) -> tuple[int, int]:
    """Line/col of a plan-diff key path (`segments[strategic].target`) in a parsed document."""
    loc: list[str | int] = []
    node: Any = doc.data
    for part in key_path.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("[") and part.endswith("]"):
            ident = part[1:-1]
            idx = None
            if isinstance(node, list):
                for i, item in enumerate(node):
                    if isinstance(item, dict) and ident in {str(v) for v in item.values()}:
                        idx = i
                        break
                if idx is None and ident.isdigit() and int(ident) < len(node):
                    idx = int(ident)
            if idx is None:
                break
            loc.append(idx)
            node = node[idx]
        else:
            loc.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return doc.where(tuple(loc))


def yaml_edits(
    before: Any, after: Any, shown: str, head: YamlDoc | None, commit: vcs.CommitChange
) -> list[YamlEdit]:
    """The key paths one commit changed in a YAML file (its parsed versions before and after),
    located in the checked version."""
    out = []
    for ch in diff_yaml(before, after):
        line, col = _loc(head, ch.path) if head is not None else (0, 0)
        out.append(YamlEdit(shown, ch.path or "(document)", line, col, commit.sha, commit.author))
    return out


def _yaml_data(shown: str, data: bytes | None) -> Any:
    if data is None:
        return None
    doc, _ = parse_yaml(shown, data.decode("utf-8", errors="replace"))
    return doc.data if doc else None


def _owner(data: Any) -> str | None:
    value = data.get("owner") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def _kind(old: object, new: object) -> str:
    return "added" if old is None else "removed" if new is None else "changed"


def _head_doc(root: Path, shown: str) -> YamlDoc | None:
    path = root / shown
    if not path.is_file():
        return None
    doc, _ = parse_yaml(shown, path.read_text(encoding="utf-8", errors="replace"))
    return doc


def scenario_edit(
    old: bytes | None,
    new: bytes | None,
    shown: str,
    head: YamlDoc | None,
    commit: vcs.CommitChange,
) -> OwnedEdit | None:
    """What one commit did to a scenario file, and whose it was (located in `head`, the checked
    version); None when neither version names an owner (an unreadable file is `sopctl
    validate`'s to report)."""
    before, after = _yaml_data(shown, old), _yaml_data(shown, new)
    role = (_owner(before) if old is not None else None) or _owner(after)
    if role is None:
        return None
    line = col = 0
    if head is not None and new is not None:
        changes = diff_yaml(before, after)
        line, col = _loc(head, changes[0].path) if changes else head.where(())
    name = shown.rsplit("/", 1)[-1].removesuffix(".yaml")
    kind = _kind(old, new)
    return OwnedEdit("SOP809", shown, f"scenario {name}", kind, role, line, col, *_who(commit))


def assumption_edits(
    old: Any,
    new: Any,
    shown: str,
    head: YamlDoc | None,
    commit: vcs.CommitChange,
) -> list[OwnedEdit]:
    """The assumptions one commit added, changed or removed in cycle.yaml (`old`, `new`: its
    parsed versions), with their owner before the commit (after it, for a new one), located in
    the checked version."""

    def by_id(data: Any) -> dict[str, dict[str, Any]]:
        items = data.get("assumptions") if isinstance(data, dict) else None
        if not isinstance(items, list):
            return {}
        return {str(a["id"]): a for a in items if isinstance(a, dict) and "id" in a}

    before, after = by_id(old), by_id(new)
    at_head = list(by_id(head.data)) if head is not None else []
    out = []
    for aid in sorted(set(before) | set(after)):
        a, b = before.get(aid), after.get(aid)
        role = _owner(a) or _owner(b)
        if a == b or role is None:
            continue
        line, col = (0, 0)
        if head is not None and aid in at_head:
            line, col = head.where(("assumptions", at_head.index(aid)))
        kind = _kind(a, b)
        out.append(
            OwnedEdit("SOP810", shown, f"assumption {aid}", kind, role, line, col, *_who(commit))
        )
    return out


# cycle.yaml keys gated elsewhere: assumptions by their owner role (SOP810), the scenario
# register with the scenario files (SOP809; an entry without its file does not validate)
OWNED_KEYS = ("assumptions", "scenarios")


def _top(key_path: str) -> str:
    return key_path.split(".", 1)[0].split("[", 1)[0]


def _who(commit: vcs.CommitChange) -> tuple[str, str]:
    return commit.sha, commit.author


def cycle_changes(
    root: Path,
    prefix: str,
    cycle: str,
    charter: Charter,
    charter_name: str,
    commits: list[vcs.CommitChange],
) -> CycleChanges:
    """The rows of the cycle's declared inputs, the charter keys, the scenario files, the
    assumptions and the approvals.yaml entries each commit changed."""
    out = CycleChanges(cycle)
    declared = {d.file: d.table for d in charter.inputs}
    inputs = f"{prefix}cycles/{cycle}/inputs/"
    scenarios = f"{prefix}cycles/{cycle}/scenarios/"
    cycle_yaml = f"{prefix}cycles/{cycle}/cycle.yaml"
    approvals = f"{prefix}cycles/{cycle}/approvals.yaml"
    charter_path = f"{prefix}charters/{charter_name}.yaml"
    head = Head(root)
    docs: dict[str, YamlDoc | None] = {}  # YAML files of the checked version, parsed once
    unreadable: dict[str, pl.DataFrame | None] = {}  # path -> its last version that parsed
    last_parsed: list[bytes | None] = []  # approvals.yaml before versions that did not parse

    def head_doc(shown: str) -> YamlDoc | None:
        if shown not in docs:
            docs[shown] = _head_doc(root, shown)
        return docs[shown]

    for c in commits:
        hit = False
        for p in c.paths:
            if p.startswith(inputs) and p[len(inputs) :] in declared:
                file, table, shown = p[len(inputs) :], declared[p[len(inputs) :]], p[len(prefix) :]
                old = vcs.show_file(root, c.parent, p) if c.parent else None
                new = vcs.show_file(root, c.sha, p)
                b = read_frame(new, table, shown)
                if new is not None and b is None:  # does not parse: validation says why
                    unreadable.setdefault(p, read_frame(old, table, shown))
                    hit = True
                    continue
                # after versions that did not parse, compare with the last one that did, so
                # a broken file is neither all rows removed nor all rows added
                a = unreadable.pop(p) if p in unreadable else read_frame(old, table, shown)
                out.rows += row_edits(a, b, table, file, shown, head, c)
                hit = True
            elif p == charter_path:
                old = vcs.show_file(root, c.parent, p) if c.parent else None
                new = vcs.show_file(root, c.sha, p)
                shown = p[len(prefix) :]
                before, after = _yaml_data(shown, old), _yaml_data(shown, new)
                out.yaml += yaml_edits(before, after, shown, head_doc(shown), c)
                hit = True
            elif p.startswith(scenarios) and p.endswith(".yaml") and "/" not in p[len(scenarios) :]:
                old = vcs.show_file(root, c.parent, p) if c.parent else None
                new = vcs.show_file(root, c.sha, p)
                shown = p[len(prefix) :]
                edit = scenario_edit(old, new, shown, head_doc(shown), c)
                if edit is not None:
                    out.owned.append(edit)
                hit = True
            elif p == cycle_yaml:
                old = vcs.show_file(root, c.parent, p) if c.parent else None
                new = vcs.show_file(root, c.sha, p)
                shown = p[len(prefix) :]
                before, after = _yaml_data(shown, old), _yaml_data(shown, new)
                out.owned += assumption_edits(before, after, shown, head_doc(shown), c)
                if old is not None:  # opening a cycle is routine; changing its frame is not
                    frame = yaml_edits(before, after, shown, head_doc(shown), c)
                    out.yaml += [e for e in frame if _top(e.key_path) not in OWNED_KEYS]
                elif isinstance(after, dict) and after.get("status") in DECIDED:
                    # a cycle opened as approved, committed or closed claims a decision nobody
                    # took: as a change of its status from draft, it needs the sign-off right
                    opened = {**after, "status": "draft"}
                    out.yaml += [
                        e
                        for e in yaml_edits(opened, after, shown, head_doc(shown), c)
                        if _top(e.key_path) == "status"
                    ]
                hit = True
            elif p == approvals:
                old = vcs.show_file(root, c.parent, p) if c.parent else None
                old = last_parsed.pop() if last_parsed else old
                new = vcs.show_file(root, c.sha, p)
                shown = p[len(prefix) :]
                edits = approval_edits(old, new, shown, head_doc(shown), c)
                if edits is None:  # does not parse: compare the next version with `old`
                    last_parsed.append(old)
                else:
                    out.approvals += edits
                hit = True
        out.commits += hit
    return out
