"""Records of the Commit and Execute steps: approvals, actions and the commit record of a tag.

Their formats carry a `version` so later sopctl releases can read older files and tags.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from .common import DATE_PATTERN, UTC_SECOND_PATTERN, Email, GitEmail, Id, Strict, Text

Digest = str  # 64 lower-case hex characters (SHA-256)
DIGEST = r"^[0-9a-f]{64}$"
_UTC_SECOND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")


class Approval(Strict):
    role: Id
    person: Email = Field(description="git user.email of the approver")
    time: str = Field(
        description="When, ISO 8601 in UTC to the second, in quotes: '2026-12-12T09:30:00Z'",
        json_schema_extra={"pattern": UTC_SECOND_PATTERN},
    )
    plan_digest: Digest = Field(pattern=DIGEST, description="Digest of the approved plan")
    note: str = ""

    @field_validator("time")
    @classmethod
    def _utc_second(cls, v: str) -> str:
        try:  # the format `sopctl approve` writes; strptime also refuses 2027-02-30 and 25:00
            if not _UTC_SECOND.match(v):  # strptime alone takes 2027-2-3T5:0:0Z
                raise ValueError
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
    due: dt.date = Field(
        strict=False,
        description="Due date, YYYY-MM-DD",
        json_schema_extra={"pattern": DATE_PATTERN},
    )
    status: Literal["open", "in_progress", "done", "dropped"] = "open"
    answers: str | None = Field(
        default=None,
        description="What the action answers: an exception (kind:item-or-resource:period, "
        "e.g. shortage:PMP-DOS:2027-01) or an assumption id of the cycle",
    )

    @field_validator("due", mode="before")
    @classmethod
    def _day_only(cls, v: object) -> object:
        """A date alone: pydantic's lax date would also take '2027-01-15T00:00:00'. Trimmed
        like every text of the models (a date is no str to `str_strip_whitespace`)."""
        if isinstance(v, str) and "T" in v:
            raise PydanticCustomError("date_parsing", "a date without a time")
        return v.strip() if isinstance(v, str) else v


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
    # `derive: false` is a boolean; records made before held the text 'false'
    assumptions: list[dict[str, str | bool]] = Field(default_factory=list)
    actions: list[dict[str, Any]] = Field(default_factory=list)
    solver: dict[str, Any] = Field(default_factory=dict)
    late_inputs: list[dict[str, str]] = Field(
        default_factory=list,
        description="required inputs last changed after their phase was due (written only "
        "when there is one): file, owner, due, due_date, committed, commit",
    )
