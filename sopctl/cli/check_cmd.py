"""Commands: sopctl check (CI on plan pull requests).

Imported at the end of app.py; each command registers itself on `app`. The checks live in
`sopctl.check`; this module maps options to one call, renders and writes the result.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, state

if TYPE_CHECKING:
    from ..check.engine import CheckResult

__all__ = ["app", "state"]

MAX_PER_FILE = 50


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    junit = "junit"
    markdown = "markdown"


@app.command()
def check(
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="Compare HEAD with this revision (its merge base with HEAD). Default: the "
            "merge base with main/master, or HEAD~1 on that branch.",
        ),
    ] = None,
    fmt: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text, json, github (default under GITHUB_ACTIONS), junit, markdown.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE instead.")
    ] = None,
) -> None:
    """The policy gate of a plan pull request: validation, a feasible plan, decision rights
    and the frozen window per changed row, committed outputs, metric thresholds, the approval
    round of a tagged cycle, CODEOWNERS. Exit 1 on error findings."""
    raise typer.Exit(run_check_cmd(state.root, base, fmt.value if fmt else None, output))


def run_check_cmd(root: Path | None, base: str | None, fmt: str | None, output: Path | None) -> int:
    import os
    import sys

    from ..check.engine import run_check
    from ..errors import EXIT_FINDINGS, EXIT_OK, UserError
    from ..outputs import cannot_write, write_atomic
    from ..workspace import find_root

    top = find_root(root or Path.cwd())
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if output is not None and output.is_dir():
        raise cannot_write(output)
    if output is not None and not output.parent.is_dir():
        raise UserError(f"cannot write {output}: folder {output.parent} does not exist")
    result = run_check(top, base)
    text = render(result, fmt)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append_summary(summary, markdown_with_diffs(top, result))
    if output is not None:
        write_atomic(output, text.encode("utf-8"), follow=True)  # named: through a link
    elif text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK if result.report.ok else EXIT_FINDINGS


def _append_summary(summary: str, text: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY. A summary that cannot be written is a warning: the
    check's own result decides the exit code, not the runner's summary file."""
    import sys

    try:
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        print(
            f"sopctl: warning: cannot write the step summary to {summary} "
            f"(GITHUB_STEP_SUMMARY): {exc.strerror or exc}; the check's result is not affected",
            file=sys.stderr,
        )


def render(result: CheckResult, fmt: str) -> str:
    import json

    from ..check.junit import to_junit
    from ..check.summary import to_markdown
    from .render import report_github, report_text

    report = result.report
    if fmt == "junit":
        return to_junit(result)
    if fmt == "markdown":
        return to_markdown(result)
    if fmt == "github":
        return report_github(report, MAX_PER_FILE)
    if fmt == "json":
        doc = json.loads(report.to_json(MAX_PER_FILE))
        doc["base"], doc["head"] = result.base, result.head
        doc["cycles"] = [
            {
                "cycle": c.cycle,
                "tag": c.tag,
                "skipped": c.skipped,
                "policies": {p: len(fs) for p, fs in c.policies.items()},
            }
            for c in result.cycles
        ]
        repo = result.repository
        doc["repository"] = (
            None
            if repo is None
            else {
                "skipped": repo.skipped,
                "policies": {p: len(fs) for p, fs in repo.policies.items()},
            }
        )
        return json.dumps(doc, indent=2, sort_keys=True)
    since = result.base[:7] if result.base else "the start"
    head = f"checked {len(result.cycles)} cycle(s) changed since {since}"
    if result.repository is not None:
        ran = [*result.repository.policies, *result.repository.skipped]
        head += f"; repository: {', '.join(ran)}"
    return head + "\n" + report_text(report, MAX_PER_FILE)


def markdown_with_diffs(top: Path, result: CheckResult) -> str:
    """The Markdown report with, per cycle that has a tag, the plan diff against that tag."""
    from ..check.summary import to_markdown
    from ..errors import SopctlError
    from ..plandiff.engine import plan_diff
    from ..plandiff.markdown import to_markdown as diff_markdown

    diffs: dict[str, str] = {}
    for c in result.cycles:
        if c.tag is None:
            continue
        try:
            diffs[c.cycle] = diff_markdown(plan_diff(top, c.cycle, c.tag, None))
        except SopctlError as exc:
            diffs[c.cycle] = f"Plan diff against {c.tag} not available: {exc}"
    return to_markdown(result, diffs)
