"""Whose rights judge a pull request: the charter as it was at the base, never the pull
request's own (SOP815, SOP816).

A pull request that could grant itself rights and use them would switch off every rule of
`sopctl check`: a member added to a role, a decision right given to a role, or
`cadence.frozen_periods: 0` would be used by the same pull request that writes it. So the
roles, the decision rights, the input owners and the frozen window that judge a cycle's changes
come from its charter at the base, for every commit of the range (the charter's own edit
included, SOP808): a change to the charter takes effect in the pull requests after it.

- The authority of a cycle is the charter its `cycle.yaml` named at the base (a cycle that moved
  to another charter, or whose charter file was renamed, is still judged by the one it had); a
  cycle that is new in the range by the charter it names, as that charter was at the base.
- A charter that the base does not have grants nobody anything in the range: a cycle run under
  it is SOP816, and adding one (any commit writing a charter file the base lacks) needs a member
  of a role holding `sign_off_plan` in a charter of the base (SOP815).
- Bootstrap: when the base has no charter at all (the repository's first charter, or no base,
  the first commit), nobody holds rights to judge by; the range's own charters judge it, and
  its reviewers (branch protection) are the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .. import vcs
from ..findings import Finding
from ..findings import finding as make
from ..schemas.charter import Charter
from ..yamlio import YamlDoc, parse_yaml
from .history import named_charter
from .policies import cap_findings


@dataclass(frozen=True)
class Authority:
    """The charter whose rights judge one cycle's changes in the range."""

    charter: Charter | None  # None: no such charter at the base (SOP816)
    name: str  # charters/<name>.yaml
    source: str  # "base", "bootstrap" (the working tree's: the base has none), "new", "unreadable"
    base: str | None = None  # the base commit


def _doc(data: bytes | None, shown: str) -> YamlDoc | None:
    if data is None:
        return None
    doc, _ = parse_yaml(shown, data.decode("utf-8", errors="replace"))
    return doc


def base_charters(root: Path, prefix: str, base: str | None) -> list[str]:
    """The names of the charters (`charters/<name>.yaml`) in the base's tree; none without a
    base."""
    if base is None:
        return []
    folder = f"{prefix}charters/"
    names = []
    for p in vcs.tracked_files(root, base, folder):
        rest = p[len(folder) :]
        if "/" not in rest and rest.endswith(".yaml"):
            names.append(rest.removesuffix(".yaml"))
    return sorted(names)


# the keys of a charter that hold rights: they are read from the base as they are, or not at all
RIGHTS_KEYS = frozenset({"roles", "decision_rights", "approvals", "inputs", "cadence"})


def charter_at(root: Path, prefix: str, rev: str, name: str) -> Charter | None:
    """The charter `name` as it was at `rev`; None when it is not there or its rights do not
    load.

    Only the rights must load at `rev`: a key that this sopctl refuses there but that holds no
    right (a penalty above a newer bound, a metric it no longer knows) is taken from the working
    tree's charter of that name, so a charter valid when it was merged does not block every
    pull request after an upgrade, the one fixing it included."""
    shown = f"charters/{name}.yaml"
    doc = _doc(vcs.show_file(root, rev, prefix + shown), shown)
    if doc is None or not isinstance(doc.data, dict):
        return None
    try:
        return Charter.model_validate(doc.data)
    except ValidationError as exc:
        keys = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
    head = _checked_doc(root, shown)
    if not keys or keys & RIGHTS_KEYS or head is None or not isinstance(head.data, dict):
        return None
    data = {k: v for k, v in doc.data.items() if k not in keys}
    data |= {k: head.data[k] for k in keys if k in head.data}
    try:
        return Charter.model_validate(data)
    except ValidationError:
        return None


def cycle_authority(
    root: Path, prefix: str, base: str | None, cycle: str, name: str, head: Charter
) -> Authority:
    """The charter that judges the changes of `cycle` (which the working tree runs under
    charter `name`, loaded as `head`): see the module's docstring."""
    if not base_charters(root, prefix, base):
        return Authority(head, name, "bootstrap", base)
    assert base is not None
    shown = f"cycles/{cycle}/cycle.yaml"
    doc = _doc(vcs.show_file(root, base, prefix + shown), shown)
    at_base = named_charter(doc.data) if doc is not None else None
    name = at_base or name
    ch = charter_at(root, prefix, base, name)
    if ch is not None:
        return Authority(ch, name, "base", base)
    return Authority(
        None, name, "unreadable" if name in base_charters(root, prefix, base) else "new", base
    )


def signers(charter: Charter) -> set[str]:
    """The members (lower-cased) of the roles holding sign_off_plan."""
    return {m.lower() for m in charter.members_of(list(charter.decision_rights.sign_off_plan))}


def _checked_doc(root: Path, shown: str) -> YamlDoc | None:
    path = root / shown
    return _doc(path.read_bytes(), shown) if path.is_file() else None


def unknown_charter(root: Path, cycle: str, auth: Authority) -> Finding:
    """SOP816: the cycle runs under a charter the base does not have (or cannot load), so no
    change of the range can be judged; at the `charter` key of its cycle.yaml."""
    shown = f"cycles/{cycle}/cycle.yaml"
    doc = _checked_doc(root, shown)
    line, col = doc.where(("charter",)) if doc is not None else (0, 0)
    base = f" ({auth.base[:7]})" if auth.base else ""
    if auth.source == "unreadable":
        return make(
            shown,
            line,
            col,
            "SOP816",
            f"cycle {cycle} runs under charter {auth.name}, whose roles, decision rights, "
            f"approvals, inputs or cadence at the base{base} do not load, so nobody's right to "
            "change this cycle can be read: fix the charter at the base in a pull request of "
            "its own (merged by an administrator, as nobody's right can be judged), then "
            "change the cycle",
        )
    return make(
        shown,
        line,
        col,
        "SOP816",
        f"cycle {cycle} runs under charter {auth.name}, which the base{base} does not have: "
        "a charter grants no rights in the pull request that adds it, so nobody may change "
        "this cycle here; merge the charter first (added by a member of a role holding "
        "sign_off_plan in an existing charter), then open the cycle under it in a pull "
        "request of its own",
    )


def added_charters(
    root: Path, prefix: str, base: str | None, commits: list[vcs.CommitChange]
) -> list[Finding] | None:
    """SOP815 for each author of a commit that adds or changes a charter the base does not
    have, who is not a member of a role holding sign_off_plan in a charter of the base: a new
    charter can give its author every role. None when the range writes no such charter (the
    policy does not run); no finding in a bootstrap (the base has no charter at all)."""
    folder = f"{prefix}charters/"
    at_base = set(base_charters(root, prefix, base))
    new = []
    for c in commits:
        for p in c.paths:
            rest = p[len(folder) :] if p.startswith(folder) else ""
            name = rest.removesuffix(".yaml")
            if "/" in rest or not rest.endswith(".yaml") or name in at_base:
                continue
            if vcs.show_file(root, c.sha, p) is not None:  # written by this commit, not removed
                new.append((name, c))
    if not new:
        return None
    if not at_base:
        return []
    allowed: set[str] = set()
    holders = []
    for name in sorted(at_base):
        ch = charter_at(root, prefix, base or "", name)
        if ch is not None:
            allowed |= signers(ch)
            holders.append(f"{name}: {', '.join(ch.decision_rights.sign_off_plan) or 'nobody'}")
    seen: set[tuple[str, str]] = set()
    out = []
    for name, c in new:
        if c.author in allowed or (name, c.author) in seen:
            continue
        seen.add((name, c.author))
        shown = f"charters/{name}.yaml"
        doc = _checked_doc(root, shown)
        line, col = doc.where(("roles",)) if doc is not None else (0, 0)
        out.append(
            make(
                shown,
                line,
                col,
                "SOP815",
                f"charter {name} (not in the base) written in {c.sha[:7]} by {c.author}, who "
                "is not a member of a role holding sign_off_plan in a charter of the base "
                f"({'; '.join(holders) or 'none loads'}): a new charter can name anyone in "
                "any role, so it is added by such a member (their commit), and grants its "
                "roles from the next pull request on",
            )
        )
    return cap_findings(out, "SOP815", "charters written without the right")


def unused_charter_edits(
    root: Path, prefix: str, base: str | None, commits: list[vcs.CommitChange]
) -> list[Finding] | None:
    """SOP808 for changes to a charter of the base that no cycle of the checkout runs under
    (no cycle's check judges them): by that charter at the base, as a cycle's check judges its
    own charter's. None when the range changes no such charter."""
    from .history import cycle_charter, yaml_edits
    from .policies import charter_rights

    folder = f"{prefix}charters/"
    used = {cycle_charter(root, p.parent.name) for p in (root / "cycles").glob("*/cycle.yaml")}
    found: list[Finding] | None = None
    for name in base_charters(root, prefix, base):
        p = f"{folder}{name}.yaml"
        mine = [c for c in commits if p in c.paths]
        if name in used or not mine or base is None:
            continue
        ch = charter_at(root, prefix, base, name)
        if ch is None:
            continue
        shown = p[len(prefix) :]
        head = _checked_doc(root, shown)
        edits = []
        for c in mine:
            old = _doc(vcs.show_file(root, c.parent, p), shown) if c.parent else None
            new = _doc(vcs.show_file(root, c.sha, p), shown)
            before, after = (d.data if d else None for d in (old, new))
            edits += yaml_edits(before, after, shown, head, c)
        found = (found or []) + charter_rights(ch, edits)
    return found
