"""`plan_diff`: the two sides loaded at the edge, then compared by the pure diff functions."""

from __future__ import annotations

from pathlib import Path

from ..tables.contracts import CONTRACTS
from .model import PlanDiff, TableDiff, YamlDiff
from .names import Renames, plan_in_b_words, renames, table_in_b_words
from .outputs import diff_outputs
from .rows import diff_rows
from .sides import Progress, Side, check_revision, last_tag, load_side
from .yamldiff import diff_yaml

NUMERIC = ("int", "float")


def resolve_base(root: Path, cycle: str, rev_a: str | None, option: str = "--cycle") -> str:
    """REV_A as given, else the cycle's last approved tag (`sop/<cycle>/v<N>`, highest N);
    `option`: how the cycle was named (`--cycle`, `--from-cycle`), for a hint."""
    return rev_a if rev_a else last_tag(root, cycle, option)


def plan_diff(
    root: Path,
    cycle: str,
    rev_a: str,
    rev_b: str | None = None,
    *,
    limit: int = 10,
    progress: Progress | None = None,
    cycle_a: str | None = None,
) -> PlanDiff:
    """Compare the cycle at `rev_a` with `rev_b` (None: the working tree); with `cycle_a`,
    side A is that cycle at `rev_a` (last month's committed plan against this month's).

    Raises UserError/GitError (exit 2) for an unknown revision or one without the cycle; a side
    that fails validation or has no feasible plan is reported in the result (`ok` is False)."""
    first = cycle_a or cycle
    if cycle_a is None:
        check_revision(root, first, rev_a)
    else:
        check_revision(root, first, rev_a, "sopctl diff --from-cycle CYCLE [REV_A] [REV_B]")
    if rev_b is not None:
        check_revision(root, cycle, rev_b)
    a = load_side(root, first, rev_a, progress)
    b = load_side(root, cycle, rev_b, progress)
    words = read_in_b_words(a, b)
    outputs = diff_outputs(a.plan, b.plan, limit) if a.plan and b.plan else None
    notes = base_notes(root, first, rev_a)
    notes += horizon_notes(a, b) if first != cycle else []
    notes += [words.note()] if words else []
    tables, yaml = diff_tables(a, b, limit), diff_yaml_files(a, b, same_cycle=first == cycle)
    return PlanDiff(cycle, a.info, b.info, tables, yaml, outputs, limit, notes)


def read_in_b_words(a: Side, b: Side) -> Renames:
    """Side A's input rows and plan with the segments and items that side B's charter
    glossary renames (the old name kept as an alias) under B's names; A is left as it is
    when nothing was renamed."""
    items_a, items_b = a.tables.get("items"), b.tables.get("items")
    words = renames(
        a.yaml["charter"].data,
        items_a.frame if items_a else None,
        b.yaml["charter"].data,
        items_b.frame if items_b else None,
    )
    if not words:
        return words
    for name, src in a.tables.items():
        if src.frame is not None:
            src.frame = table_in_b_words(src.frame, CONTRACTS[name], words)
    if a.plan is not None:
        a.plan = plan_in_b_words(a.plan, words)
    return words


def base_notes(root: Path, cycle: str, rev_a: str) -> list[str]:
    """When side A is a tag of the cycle: a note for each newer tag skipped because its record
    does not pass the cheap checks of `log.committed_state`, and for side A itself when it
    does not (compared as a plain revision)."""
    from ..governance.log import committed_state, skipped_note
    from ..governance.tag_record import TAG_RE

    name = rev_a.removeprefix("refs/tags/")
    m = TAG_RE.match(name)
    if not m or m["cycle"] != cycle:
        return []
    out = []
    for e in committed_state(root, cycle).unverified:
        if e.tag == name:
            out.append(
                f"{name} is compared as a plain revision: {e.problem}; run sopctl verify {name}"
            )
        elif e.version > int(m["n"]):
            out.append(skipped_note(e))
    return out


def horizon_notes(a: Side, b: Side) -> list[str]:
    """Two cycles plan different horizons: say which periods both cover, so totals (each over
    its own horizon) are not read as like for like."""
    if a.plan is None or b.plan is None:
        return []
    pa = sorted(set(a.plan.supply["period"].to_list()))
    pb = sorted(set(b.plan.supply["period"].to_list()))
    if not pa or not pb:
        return []
    both = [p for p in pb if p in set(pa)]
    common = f"{both[0]}..{both[-1]} are in both" if both else "no period is in both"
    return [
        f"cycle {a.info.cycle} plans {pa[0]}..{pa[-1]}, cycle {b.info.cycle} plans "
        f"{pb[0]}..{pb[-1]}: {common}; totals cover each cycle's own horizon, the periods "
        "compare like with like"
    ]


def diff_tables(a: Side, b: Side, limit: int) -> list[TableDiff]:
    """Every table type declared on either side, compared by its contract's key."""
    names = list(b.tables) + [t for t in a.tables if t not in b.tables]
    out = []
    for name in names:
        contract = CONTRACTS[name]
        sa, sb = a.tables.get(name), b.tables.get(name)
        numeric = [c.name for c in contract.columns if c.dtype in NUMERIC]
        d = diff_rows(
            name,
            sa.frame if sa else None,
            sb.frame if sb else None,
            contract.key,
            numeric,
            limit,
            sa.file if sa else None,
            sb.file if sb else None,
        )
        for label, src in (("A", sa), ("B", sb)):
            if src is not None:
                d.notes += [f"side {label}: {n}" for n in src.notes]
        if d.status == "unreadable" and sa is None and sb is None:
            continue
        out.append(d)
    return out


RECORDS = ("approvals.yaml", "actions.yaml")  # one cycle's own sign-offs and actions


def diff_yaml_files(a: Side, b: Side, same_cycle: bool = True) -> list[YamlDiff]:
    """The charter, cycle.yaml and the cycle's other YAML files (scenario files too), by key
    path. Two cycles' approvals and actions are not versions of one record: not compared."""
    roles = list(b.yaml) + [r for r in a.yaml if r not in b.yaml]
    if not same_cycle:
        roles = [r for r in roles if r not in RECORDS]
    out = []
    for role in roles:
        sa, sb = a.yaml.get(role), b.yaml.get(role)
        d = YamlDiff(role, sa.path if sa else None, sb.path if sb else None)
        da = sa.data if sa else None
        db = sb.data if sb else None
        for label, src in (("A", sa), ("B", sb)):
            if src is not None:
                d.notes += [f"side {label}: {n}" for n in src.notes]
        if da is not None and db is not None:
            d.changes = diff_yaml(da, db)
        elif sa is None and db is not None:  # a new file: every key is added
            d.notes.append("new file")
            d.changes = diff_yaml({}, db)
        elif sb is None and da is not None:
            d.notes.append("file removed")
            d.changes = diff_yaml(da, {})
        if d.changes or d.notes or role in ("charter", "cycle.yaml"):
            out.append(d)
    return out
