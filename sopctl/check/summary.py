"""The check result as GitHub-flavoured Markdown: $GITHUB_STEP_SUMMARY or `--format markdown`."""

from __future__ import annotations

from ..findings import Finding, Severity
from .codes import POLICIES, REPO_POLICIES
from .engine import CheckResult

ICON = {"pass": "✅", "fail": "❌", "warn": "⚠️", "skip": "⏭️"}


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _section(
    title: str, ids: list[str], policies: dict[str, list[Finding]], skipped: dict[str, str]
) -> list[str]:
    """`## title: passed|failed`, the policy table and the findings table."""
    report = [f for fs in policies.values() for f in fs]
    errors = sum(f.severity is Severity.ERROR for f in report)
    lines = [f"## {title}: {'failed' if errors else 'passed'}", ""]
    lines += ["| policy | result | errors | warnings | notes |", "|---|---|---:|---:|---:|"]
    for pid in ids:
        fs = policies.get(pid, [])
        n = {s: sum(f.severity is s for f in fs) for s in Severity}
        if pid in skipped:
            state = f"{ICON['skip']} skipped: {skipped[pid]}"
        elif n[Severity.ERROR]:
            state = f"{ICON['fail']} failed"
        elif n[Severity.WARNING]:
            state = f"{ICON['warn']} passed with warnings"
        else:
            state = f"{ICON['pass']} passed"
        counts = " | ".join(str(n[s]) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        lines.append(f"| {pid} | {_esc(state)} | {counts} |")
    lines.append("")
    if report:
        lines += ["| severity | code | where | message |", "|---|---|---|---|"]
        for f in sorted(report, key=lambda f: (f.path, f.line, f.col, f.code)):
            where = _esc(f.location())
            lines.append(f"| {f.severity.value} | {f.code} | `{where}` | {_esc(f.message)} |")
        lines.append("")
    return lines


def to_markdown(result: CheckResult, diffs: dict[str, str] | None = None) -> str:
    """Per cycle: a policy table and the findings table; `diffs` (cycle → Markdown of the plan
    diff against its last approved tag) is appended when given. Then the repository-level
    policies, when the range touched what they read."""
    base = result.base[:7] if result.base else "the first commit"
    lines = [f"# sopctl check: {base} ({result.base_label}) → {result.head[:7]}", ""]
    if result.base_note:
        lines += [f"> ⚠️ {_esc(result.base_note)}", ""]
    if not result.cycles:
        lines += ["No cycle changed in this range.", ""]
    for c in result.cycles:
        lines += _section(f"Cycle {c.cycle}", list(POLICIES), c.policies, c.skipped)
        lines += [f"> {_esc(note)}" for note in c.tags_skipped] + ([""] if c.tags_skipped else [])
        if diffs and c.cycle in diffs:
            lines += [diffs[c.cycle].rstrip(), ""]
    repo = result.repository
    if repo is not None:
        ids = [p for p in REPO_POLICIES if p in repo.policies or p in repo.skipped]
        lines += _section("Repository", ids, repo.policies, repo.skipped)
    return "\n".join(lines) + "\n"
