"""The policies of `sopctl check`; their finding codes (SOP8xx) live in `sopctl.findings`."""

from __future__ import annotations

# policy id -> one line, per cycle; the JUnit test cases and the Markdown table use these ids
POLICIES: dict[str, str] = {
    "validation": "inputs, charter and cycle pass sopctl validate",
    "reconcile": "the plan is feasible (sopctl reconcile --dry-run)",
    "decision_rights": "each change carries its owner role or the right to make it",
    "frozen_window": "changes inside the frozen window carry the frozen-change right",
    "late_inputs": "inputs change by the day their phase is due (charter calendar), else a warning",
    "committed_outputs": "committed outputs equal a fresh reconcile",
    "metrics": "plan metrics meet the charter thresholds",
    "approval_round": "a tagged cycle changes only with a new approval round",
}
# policies of the repository as a whole, run once when the range touches what they read
REPO_POLICIES: dict[str, str] = {
    "charters": "a charter no cycle checks is written by a sign-off member (of one at the base)",
    "codeowners": "CODEOWNERS matches the charter",
    "merges": "merge commits change planning files only by merging",
}
