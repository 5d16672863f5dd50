"""CODEOWNERS from the charter: who must review which files of a planning repository.

The charter already says who owns every input and who holds which decision right; this module
turns that into a section of the repository's CODEOWNERS file, so that a pull request changing
`pipeline.csv` asks the sales lead for a review and one changing the charter asks the roles that
sign the plan off. The section sits between two marker lines; everything around it is left as
written by hand.

Who owns what (owners are the role members' e-mail addresses, in charter order):

- each declared input of each cycle: the members of the input's owner role; for an `overrides`
  table also the roles holding `override_demand`; for `capacity` and `resources` tables also
  the roles holding `approve_capacity_change`;
- the charter file and each cycle's `approvals.yaml`: the roles holding `sign_off_plan`;
- each scenario file `cycles/<id>/scenarios/<name>.yaml`: the members of the scenario's `owner`
  role (a scenario file that does not load is left to `sopctl validate`).

When every cycle uses one charter, the input lines use `cycles/*/...` patterns so the next cycle
is covered before anyone regenerates the file; with several charters each cycle gets its lines.
Patterns are rooted at the top of the git repository (the planning repository may be a
subfolder of it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EXIT_FINDINGS, SopctlError, UserError
from .findings import Finding, Severity

if TYPE_CHECKING:
    from .schemas.charter import Charter, InputDecl
    from .validate import Workspace

BEGIN = "# BEGIN sopctl"
END = "# END sopctl"
CODE_STALE = "SOP901"
# GitHub's lookup order: the first of these that exists is the one it uses
LOOKUP = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
EXTRA_RIGHTS = {
    "overrides": "override_demand",
    "capacity": "approve_capacity_change",
    "resources": "approve_capacity_change",
}


class CharterNotLoadable(UserError):
    """A cycle or charter does not load: the owners cannot be known (exit 1, like validate)."""

    exit_code = EXIT_FINDINGS


@dataclass(frozen=True)
class Section:
    """The generated section (marker lines included) and where it came from."""

    lines: list[str]
    charters: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass(frozen=True)
class Placement:
    """Where the section sits in an existing file: 0-based line span, end exclusive."""

    start: int
    end: int
    closed: bool


def git_top(root: Path) -> Path:
    """The top of the git repository holding `root` (or `root` itself outside git)."""
    from . import vcs

    try:
        return vcs.repo_top(root).resolve()
    except SopctlError:
        return root.resolve()


def default_path(top: Path) -> Path:
    """The CODEOWNERS file GitHub reads, or `.github/CODEOWNERS` when there is none yet."""
    for rel in LOOKUP:
        if (top / rel).is_file():
            return top / rel
    return top / LOOKUP[0]


def existing_path(top: Path) -> Path | None:
    for rel in LOOKUP:
        if (top / rel).is_file():
            return top / rel
    return None


def _escape(pattern: str) -> str:
    return pattern.replace("\\", "\\\\").replace(" ", "\\ ")


def _members(charter: Charter, roles: list[str]) -> list[str]:
    out: list[str] = []
    by_id = {r.id: r for r in charter.roles}
    for rid in roles:
        role = by_id.get(rid)
        for m in role.members if role else []:
            if m not in out:
                out.append(m)
    return out


def input_owners(charter: Charter, decl: InputDecl) -> list[str]:
    roles = [decl.owner]
    right = EXTRA_RIGHTS.get(decl.table)
    if right:
        roles += [r for r in getattr(charter.decision_rights, right) if r not in roles]
    return _members(charter, roles)


def _line(pattern: str, owners: list[str], why: str) -> str:
    if not owners:  # an owner-less line would un-own the path: say so instead
        return f"# {_escape(pattern)}  (no members in {why}: add members to the charter)"
    return f"{_escape(pattern)} {' '.join(owners)}"


def _load(root: Path) -> tuple[dict[str, Charter], dict[str, str]]:
    """Charters by name and each cycle's charter name; raises when one does not load."""
    from .schemas.charter import Charter
    from .schemas.cycle import Cycle
    from .workspace import list_cycles, load_model

    cycles: dict[str, str] = {}
    names: set[str] = set()
    for cid in list_cycles(root):
        cy = load_model(root, root / "cycles" / cid / "cycle.yaml", Cycle)[0]
        if cy is None:
            raise CharterNotLoadable(f"cycles/{cid}/cycle.yaml does not load", hint=_HINT)
        cycles[cid] = cy.charter
        names.add(cy.charter)
    if not cycles:
        names = {p.stem for p in (root / "charters").glob("*.yaml")}
    charters: dict[str, Charter] = {}
    for name in sorted(names):
        ch = load_model(root, root / "charters" / f"{name}.yaml", Charter)[0]
        if ch is None:
            raise CharterNotLoadable(f"charters/{name}.yaml does not load", hint=_HINT)
        charters[name] = ch
    return charters, cycles


_HINT = "run 'sopctl validate' and fix its findings first"


def _scenario_owners(root: Path, cycle: str) -> list[tuple[str, str]]:
    """(file name, owner role) of each scenario file of a cycle whose owner can be read."""
    from .workspace import read_text
    from .yamlio import parse_yaml

    out = []
    for path in sorted((root / "cycles" / cycle / "scenarios").glob("*.yaml")):
        text, _ = read_text(root, path)
        doc = parse_yaml(path.name, text)[0] if text is not None else None
        owner = doc.data.get("owner") if doc is not None else None
        if isinstance(owner, str) and owner:
            out.append((path.name, owner))
    return out


def generate(root: Path, top: Path | None = None) -> Section:
    """The CODEOWNERS section for the planning repository at `root`."""
    root = root.resolve()
    top = top or git_top(root)
    rel = os.path.relpath(root, top)
    base = "/" if rel == "." else "/" + Path(rel).as_posix().strip("/") + "/"
    charters, cycles = _load(root)
    names = [f"charters/{n}.yaml" for n in charters]
    lines = [
        f"{BEGIN} (generated from {', '.join(names) or 'no charter'}; do not edit)",
        "# Regenerate with 'sopctl codeowners --write' after changing roles or inputs.",
    ]
    for name, ch in charters.items():
        signers = _members(ch, ch.decision_rights.sign_off_plan)
        lines.append(_line(f"{base}charters/{name}.yaml", signers, "sign_off_plan roles"))
    shared = len(charters) == 1 and (not cycles or set(cycles.values()) == set(charters))
    groups: list[tuple[str, Charter]] = (
        [("*", next(iter(charters.values())))]
        if shared and charters
        else [(cid, charters[cycles[cid]]) for cid in sorted(cycles)]
    )
    for cid, ch in groups:
        folder = f"{base}cycles/{cid}/"
        signers = _members(ch, ch.decision_rights.sign_off_plan)
        lines.append(_line(f"{folder}approvals.yaml", signers, "sign_off_plan roles"))
        for decl in ch.inputs:
            why = f"role {decl.owner}"
            lines.append(_line(f"{folder}inputs/{decl.file}", input_owners(ch, decl), why))
    for cid in sorted(cycles):
        for name, owner in _scenario_owners(root, cid):
            pattern = f"{base}cycles/{cid}/scenarios/{name}"
            lines.append(_line(pattern, _members(charters[cycles[cid]], [owner]), f"role {owner}"))
    lines.append(END)
    return Section(lines, names)


def locate(lines: list[str]) -> Placement | None:
    """The first marked section in `lines` (an unclosed one runs to the end of the file)."""
    for i, line in enumerate(lines):
        if line.strip().startswith(BEGIN):
            for j in range(i + 1, len(lines)):
                if lines[j].strip() == END:
                    return Placement(i, j + 1, True)
            return Placement(i, len(lines), False)
    return None


def current_section(text: str) -> tuple[list[str] | None, Placement | None]:
    lines = text.splitlines()
    place = locate(lines)
    if place is None:
        return None, None
    return lines[place.start : place.end], place


def merge(text: str, section: Section) -> str:
    """`text` with its marked section replaced by `section` (appended when there is none)."""
    lines = text.splitlines()
    place = locate(lines)
    if place is not None and not place.closed:
        raise UserError(
            f"line {place.start + 1} opens '{BEGIN}' but no '{END}' line closes it",
            hint=f"add a line '{END}' where the generated section should end",
        )
    if place is None:
        lead = lines + ([""] if lines and lines[-1].strip() else [])
        out = lead + section.lines
    else:
        out = lines[: place.start] + section.lines + lines[place.end :]
    return "\n".join(out) + "\n"


def _display(root: Path, path: Path) -> str:
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def codeowners_findings(ws: Workspace) -> list[Finding]:
    """SOP901 when the CODEOWNERS file's section differs from the charter's (or is missing).

    No CODEOWNERS file at all: no finding. A charter or cycle that does not load: no finding
    either (validation reports those, and the owners cannot be known).
    """
    return stale_findings(ws.root) or []


def stale_findings(root: Path) -> list[Finding] | None:
    """`codeowners_findings` for the planning repository at `root`; None when the owners
    cannot be known (a charter or cycle does not load, the file cannot be read)."""
    top = git_top(root)
    path = existing_path(top)
    if path is None:
        return []
    try:
        want = generate(root, top)
        text = path.read_text(encoding="utf-8")
    except (SopctlError, OSError, UnicodeDecodeError):
        return None
    have, place = current_section(text)
    if have is not None and place is not None and have == want.lines:
        return []
    shown = _display(root, path)
    if place is None:
        line, msg = 0, "has no sopctl section"
    elif not place.closed:
        line, msg = place.start + 1, f"has a sopctl section without its '{END}' line"
    else:
        line, msg = place.start + 1, "section differs from what the charter says"
    message = (
        f"CODEOWNERS section out of date: the file {msg}; "
        "run 'sopctl codeowners --write' and commit the result"
    )
    return [Finding(shown, line, 1 if line else 0, CODE_STALE, message, Severity.WARNING)]
