"""Where a cycle stands in the Commit step, derived from git and the plan, not from cycle.yaml.

No sopctl command writes cycle.yaml's `status`, and none could keep it true: cycle.yaml is an
input of the plan digest, so setting `status: committed` after `sopctl tag` would change the
plan the tag recorded (its approvals would go stale). The tag is the record, so the state is
read from it:

- committed: the cycle has a tag `sop/<cycle>/v<N>` whose record is intact (its latest);
  `changed` says whether the plan here differs from the committed one (None: not known, the
  plan is not reconciled in this clone);
- approved: no tag yet, and the approvals of the current plan make the quorum (known only
  where the plan is reconciled, or solved, as the report does);
- reconciled: no tag yet, the outputs are current, the quorum is not met;
- draft: none of these.

cycle.yaml's own `status` is kept beside it (`declared`); it is shown when it is set to
anything but the default `draft` and says something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .log import LogEntry

DEFAULT = "draft"  # cycle.yaml's status when nobody set it


@dataclass(frozen=True)
class CycleState:
    name: str  # draft | reconciled | approved | committed
    declared: str  # cycle.yaml's status
    tag: str = ""  # the committed tag (committed only)
    changed: bool | None = None  # committed only: the plan here differs from the committed one
    superseded_by: str = ""  # a later tag of the cycle (the state of an older tag's plan)

    @property
    def text(self) -> str:
        words = self.name
        if self.name == "committed":
            words = f"committed as {self.tag}"
            if self.superseded_by:
                words += f", superseded by {self.superseded_by}"
            elif self.changed:
                words += ", plan changed since"
        if self.declared not in (DEFAULT, self.name):
            words += f" (cycle.yaml says {self.declared})"
        return words

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tag": self.tag or None,
            "plan_changed": self.changed,
            "declared": self.declared,
            "text": self.text,
        }


def derive(
    declared: str,
    tag: str,
    committed_digest: str,
    digest: str | None,
    quorum_met: bool | None,
    reconciled: bool,
) -> CycleState:
    """The state from the cycle's latest intact tag (`tag`, '' when none) and its plan digest,
    the digest of the plan here (None when it is not reconciled here), whether the quorum of
    the current plan is met and whether the outputs are current."""
    if tag:
        changed = None if digest is None else digest != committed_digest
        return CycleState("committed", declared, tag, changed)
    if quorum_met:
        return CycleState("approved", declared)
    return CycleState("reconciled" if reconciled else DEFAULT, declared)


def from_entry(
    declared: str,
    entry: LogEntry | None,
    digest: str | None,
    quorum_met: bool | None,
    reconciled: bool,
) -> CycleState:
    """`derive` from the cycle's latest tag in git (`log.committed_state`); a tag whose record is
    not intact does not count. `sopctl status` and the report both use it."""
    intact = entry is not None and not entry.problem
    return derive(
        declared,
        entry.tag if entry is not None and intact else "",
        entry.plan_digest if entry is not None else "",
        digest,
        quorum_met,
        reconciled,
    )
