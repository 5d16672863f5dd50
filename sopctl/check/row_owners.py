"""Rows that name their owner: an override is changed by the person it names (SOP817).

An override's `owner` is the person who made it: validation checks that they may
(SOP701, SOP702), the demand view applies it under their name and `sopctl learn` credits them
with the value it added. A row written by someone else in their name would be credited to
them, so an override row is added by the owner it names, and changed or removed by the owner
it named before the commit (a hand-over is made by the giving owner, by changing the owner),
as scenario files and assumptions are by their owner role (SOP809, SOP810). A member of a role
holding sign_off_plan may too: they answer for the whole plan, may withdraw anyone's approval,
and clear the overrides of an owner who has left. This comes on top of SOP801 (the author
still needs the input's owner role or override_demand; an author who has neither gets SOP801
alone). Pure: rows and authors in, findings out.
"""

from __future__ import annotations

from ..findings import Finding
from ..findings import finding as make
from ..schemas.charter import Charter
from .authority import signers
from .model import RowEdit
from .policies import cap_findings

OWNED_TABLES = ("overrides",)  # tables whose `owner` column names the person who made the row


def _owner(r: RowEdit) -> str:
    row = r.new if r.kind == "added" else r.old
    return ((row or {}).get("owner") or "").strip().lower()


def override_owners(charter: Charter, rows: list[RowEdit]) -> list[Finding]:
    """SOP817 for each override row added, changed or removed by someone other than the owner
    it names (before the commit; after it, for a new row) who holds no sign_off_plan role."""
    signing = signers(charter)
    owners = {d.file: d.owner for d in charter.inputs}
    holders = list(charter.decision_rights.override_demand)
    seen: set[tuple[str, tuple[tuple[str, str | None], ...], str]] = set()
    out = []
    for r in rows:
        owner = _owner(r)
        key = (r.path, tuple(r.key.items()), r.author)
        if r.table not in OWNED_TABLES or not owner or r.author in {owner} | signing:
            continue
        # an author without the file's right at all is SOP801's: one finding per row and author
        may = {m.lower() for m in charter.members_of([owners.get(r.file, ""), *holders])}
        if key in seen or r.author not in may:
            continue
        seen.add(key)
        named = "names" if r.kind == "added" else "named"
        out.append(
            make(
                r.path,
                r.line,
                0,
                "SOP817",
                f"row {r.key_text()} {r.kind}{r.gone_text()} in {r.commit[:7]} by {r.author}, "
                f"but it {named} {owner} as its owner, who is credited with it: an override "
                f"is changed by its owner (or a member of a role holding sign_off_plan: "
                f"{', '.join(charter.decision_rights.sign_off_plan) or 'nobody'}); ask {owner} "
                "to make the change, or to hand it over by changing its owner",
            )
        )
    return cap_findings(out, "SOP817", "override rows changed in their owner's name")
