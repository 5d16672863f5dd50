"""Records of the Commit and Execute steps: approvals, actions and the commit record of a tag.

Their formats carry a `version` so later sopctl releases can read older files and tags.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, field_validator

from .common import Email, GitEmail, Id, Strict, Text

Digest = str  # 64 lower-case hex characters (SHA-256)
DIGEST = r"^[0-9a-f]{64}$"


class Approval(Strict):
    role: Id
    person: Email = Field(description="git user.email of the approver")
    time: str = Field(description="When, ISO 8601 in UTC, e.g. 2026-12-12T09:30:00Z")
    plan_digest: Digest = Field(pattern=DIGEST, description="Digest of the approved plan")
    note: str = ""

    @field_validator("time")
    @classmethod
    def _utc_second(cls, v: str) -> str:
        try:  # the format `sopctl approve` writes; strptime also refuses 2027-02-30 and 25:00
            dt.datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise ValueError(
                "not a time in UTC to the second; write it as YYYY-MM-DDTHH:MM:SSZ, e.g. "
                "2026-12-12T09:30:00Z (an approval is a record: sopctl approve writes it)"
            ) from None
        return v


class ApprovalsFile(Strict):
    """`cycles/<id>/approvals.yaml`, written by `sopctl approve`."""

    version: Literal[1] = 1
    approvals: list[Approval] = Field(default_factory=list)


class Action(Strict):
    id: Id
    description: Text
    owner: Text = Field(description="A charter role id or a member's e-mail")
    due: dt.date = Field(strict=False, description="Due date, YYYY-MM-DD")
    status: Literal["open", "in_progress", "done", "dropped"] = "open"
    answers: str | None = Field(
        default=None,
        description="What the action answers: an exception (kind:item-or-resource:period, "
        "e.g. shortage:PMP-DOS:2027-01) or an assumption id of the cycle",
    )


class ActionsFile(Strict):
    """`cycles/<id>/actions.yaml`, kept by the people who own the actions."""

    version: Literal[1] = 1
    actions: list[Action] = Field(default_factory=list)


class TagApproval(Strict):
    role: Id
    person: Email
    time: str
    commit: str = Field(description="The git commit that recorded the approval")


class CommitRecord(Strict):
    """The YAML message of an annotated tag `sop/<cycle-id>/v<N>`."""

    version: Literal[1] = 1
    cycle: Id
    charter: Id
    scenario: Id = "base"
    tagger: GitEmail = Field(description="git's committer e-mail when the tag was made")
    plan_digest: Digest = Field(pattern=DIGEST)
    approvals: list[TagApproval]
    files: dict[str, Digest] = Field(description="SHA-256 of every input and output file")
    kpis: dict[str, Any]
    assumptions: list[dict[str, str]] = Field(default_factory=list)
    actions: list[dict[str, Any]] = Field(default_factory=list)
    solver: dict[str, Any] = Field(default_factory=dict)
