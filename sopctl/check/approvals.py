"""Who may write approvals.yaml: an approval is recorded by its approver (`sopctl approve`).

`approval_edits` compares two versions of the file (bytes, as one commit changed it) entry by
entry, by content; `approval_rights` is the pure policy over those edits (SOP813), and
`unattested` names the entries at HEAD that do not pass it, so that no other policy counts them
as a sign-off. An entry added must be committed by its `person` (the commit's author or committer
e-mail: `sopctl approve` records git's committer e-mail); one removed, by its person or by a
member of a role holding `sign_off_plan`; an entry added against that rule and removed again
in the range is one finding, naming both commits. git identities are not authenticated: this
stops an approval written in someone else's name under one's own identity, not a commit made
under another person's e-mail (signed commits and branch protection do that).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..findings import Finding
from ..findings import finding as make
from ..schemas.records import Approval
from ..yamlio import YamlDoc, parse_yaml
from .model import ApprovalEdit
from .policies import cap_findings

if TYPE_CHECKING:
    from .. import vcs
    from ..schemas.charter import Charter

CODE = "SOP813"
HOW = "approvals are recorded by the approver with `sopctl approve`"


def entry_key(entry: Any) -> str:
    """An entry's content as one string: the normalised approval when it is one (so that
    `sopctl approve`, which writes the file anew, changes no earlier entry), else the raw data."""
    if isinstance(entry, Approval):
        return json.dumps(entry.model_dump(), sort_keys=True)
    try:
        return entry_key(Approval.model_validate(entry))
    except ValidationError:
        return "raw:" + json.dumps(entry, sort_keys=True, default=str)


def _entries(data: bytes | None, shown: str) -> tuple[list[Any], YamlDoc | None] | None:
    """The approvals of one version of the file (none for a missing or empty file), with the
    parsed document; None when the version does not parse (validation says why)."""
    if data is None:
        return [], None
    doc, _ = parse_yaml(shown, data.decode("utf-8", errors="replace"))
    if doc is None:
        return None
    if doc.data is None:  # emptied by hand: records nothing
        return [], doc
    items = doc.data.get("approvals") if isinstance(doc.data, dict) else None
    if isinstance(doc.data, dict) and items is None:
        return [], doc
    if not isinstance(items, list):
        return None
    return items, doc


def _field(entry: Any, name: str) -> str:
    value = entry.get(name) if isinstance(entry, dict) else None
    return str(value).strip() if value is not None else ""


def approval_edits(
    old: bytes | None,
    new: bytes | None,
    shown: str,
    head: YamlDoc | None,
    commit: vcs.CommitChange,
) -> list[ApprovalEdit] | None:
    """The entries one commit added or removed (located in `head`, the checked version; a
    removed one at line 0 with the line it had); None when the new version does not parse."""
    before, after = _entries(old, shown), _entries(new, shown)
    if after is None:
        return None
    old_items, old_doc = before if before is not None else ([], None)
    old_keys = [entry_key(e) for e in old_items]
    new_keys = [entry_key(e) for e in after[0]]
    at_head: list[str] = []
    if head is not None:
        items = head.data.get("approvals") if isinstance(head.data, dict) else None
        at_head = [entry_key(e) for e in items] if isinstance(items, list) else []
    out = []
    for kind, keys, items, other in (
        ("added", new_keys, after[0], Counter(old_keys)),
        ("removed", old_keys, old_items, Counter(new_keys)),
    ):
        seen: Counter[str] = Counter()
        for i, (key, entry) in enumerate(zip(keys, items, strict=True)):
            seen[key] += 1
            if seen[key] <= other[key]:
                continue
            line = was = 0
            if kind == "added" and head is not None and key in at_head:
                line = head.where(("approvals", at_head.index(key)))[0]
            if kind == "removed" and old_doc is not None:
                was = old_doc.where(("approvals", i))[0]
            person = _field(entry, "person").lower()
            out.append(
                ApprovalEdit(
                    shown,
                    kind,
                    key,
                    _field(entry, "role"),
                    person,
                    line,
                    was,
                    commit.sha,
                    commit.author,
                    commit.committer,
                )
            )
    return out


def _signers(charter: Charter) -> tuple[list[str], set[str]]:
    roles = list(charter.decision_rights.sign_off_plan)
    return roles, {m.lower() for m in charter.members_of(roles)}


def allowed(charter: Charter, edit: ApprovalEdit) -> bool:
    """An entry added is committed by its person; one removed, by its person or a member of a
    role holding sign_off_plan (author or committer e-mail, case-insensitive)."""
    ids = {edit.author, edit.committer} - {""}
    if edit.person and edit.person in ids:
        return True
    return edit.kind == "removed" and bool(ids & _signers(charter)[1])


def unattested(charter: Charter, edits: list[ApprovalEdit]) -> set[str]:
    """Keys of the entries whose last addition in the range was not committed by their
    person: they are no sign-off for any policy."""
    ok: dict[str, bool] = {}
    for e in edits:
        if e.kind == "added":
            ok[e.key] = allowed(charter, e)
    return {k for k, good in ok.items() if not good}


def _who(e: ApprovalEdit) -> str:
    extra = e.committer and e.committer != e.author
    return e.author + (f" (committed by {e.committer})" if extra else "")


def _was(e: ApprovalEdit) -> str:
    return f" (was line {e.was_line})" if e.kind == "removed" and e.was_line else ""


def _undone(edits: list[ApprovalEdit], bad: list[bool]) -> dict[int, int]:
    """Entries added against the rule and removed again later in the range: the index of the
    addition -> the index of the removal that took that copy out (the latest such addition of
    the same entry before it; a removal of any other copy is judged on its own)."""
    open_adds: dict[tuple[str, str], list[int]] = {}
    out: dict[int, int] = {}
    for i, e in enumerate(edits):  # oldest commit first, as the range is read
        if e.kind == "added" and bad[i]:
            open_adds.setdefault((e.path, e.key), []).append(i)
        elif e.kind == "removed" and open_adds.get((e.path, e.key)):
            out[open_adds[(e.path, e.key)].pop()] = i
    return out


def approval_rights(charter: Charter, edits: list[ApprovalEdit]) -> list[Finding]:
    """SOP813 for each entry added by someone other than its person, and each entry removed by
    someone who is neither its person nor a member of a role holding sign_off_plan. An entry
    added against the rule and removed again in the range is one finding naming both commits:
    one forged entry, and its removal takes no one's approval away."""
    roles, _ = _signers(charter)
    bad = [not allowed(charter, e) for e in edits]
    undone = _undone(edits, bad)
    paired = set(undone.values())
    out = []
    for i, e in enumerate(edits):
        if not bad[i] or i in paired:
            continue
        person = e.person or "(no person)"
        line, done = e.line, f"{e.kind}{_was(e)} in {e.commit[:7]} by {_who(e)}"
        if i in undone:
            r = edits[undone[i]]
            line = 0
            text = (
                f"{done}, who is not {person}, and removed again{_was(r)} in {r.commit[:7]} by "
                f"{_who(r)}: {HOW}; rewrite the branch so that no commit adds it (git rebase -i) "
                f"and let {person} approve with their own git identity"
            )
        elif e.kind == "added":
            text = (
                f"{done}, who is not {person}: {HOW}; drop the entry and let {person} approve "
                "with their own git identity"
            )
        else:
            text = (
                f"{done}, who is neither {person} nor a member of a role holding sign_off_plan "
                f"({', '.join(roles) or 'nobody'}); {HOW}, and withdrawn by the approver or a "
                "sign-off member"
            )
        out.append(
            make(e.path, line, 0, CODE, f"approval as {e.role or '(no role)'} by {person} {text}")
        )
    return cap_findings(out, CODE, "approvals recorded without their approver")
