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
from .options import CheckOutputOpt, as_path, named_id

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
            metavar="REV",
            callback=named_id(
                "the revision to compare with",
                "sopctl check --base main",
                "leave it out for the merge base with main (see --help)",
            ),
            help="Compare HEAD with this revision (its merge base with HEAD). Default: the "
            "merge base with main/master, else with origin/HEAD, origin/main or origin/master; "
            "HEAD~1 when none serves (said in the output).",
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
    output: CheckOutputOpt = None,
) -> None:
    """The policy gate of a plan pull request: validation, a feasible plan, decision rights
    and the frozen window per changed row, inputs changed after their phase was due (a warning),
    committed outputs, metric thresholds, the approval round of a tagged cycle, CODEOWNERS.
    Exit 1 on error findings."""
    raise typer.Exit(run_check_cmd(state.root, base, fmt.value if fmt else None, as_path(output)))


def run_check_cmd(root: Path | None, base: str | None, fmt: str | None, output: Path | None) -> int:
    import os
    import shlex
    import sys

    from ..check.engine import run_check
    from ..check.forge import from_top
    from ..check.history import repo_prefix
    from ..errors import EXIT_FINDINGS, EXIT_OK, UserError
    from ..outputs import cannot_write, write_atomic

    top = check_root(root or Path.cwd())
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if output is not None and output.is_dir():
        raise cannot_write(output)
    if output is not None and not output.parent.is_dir():
        raise UserError(
            f"cannot write {output}: folder {output.parent} does not exist",
            hint=f"create it first (mkdir -p {shlex.quote(str(output.parent))}) "
            "or name a file in an existing folder",
        )
    result = run_check(top, base)
    prefix = repo_prefix(top)
    text = render(result, fmt, prefix)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append_summary(summary, markdown_with_diffs(top, from_top(result, prefix)))
    if text and not text.endswith("\n"):
        text += "\n"
    if output is not None:
        write_atomic(output, text.encode("utf-8"), follow=True)  # named: through a link
    elif text:
        sys.stdout.write(text)
    if result.base_note and (fmt != "text" or output is not None):
        # the text report has it on stdout; a machine format may not reach a person
        print(f"sopctl: note: {result.base_note}", file=sys.stderr)
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


def render(result: CheckResult, fmt: str, prefix: str = "") -> str:
    """The result in `fmt`. Text keeps the paths of the planning repository (as every sopctl
    command prints them); the formats meant for the forge (github, json, junit, markdown) have
    paths from the top of the git repository: `prefix` (the planning repository's folder in it,
    '' or 'planning/') in front."""
    import json

    from ..check.forge import from_top
    from ..check.junit import to_junit
    from ..check.summary import to_markdown
    from .render import _gh_escape, report_github, report_text

    if fmt != "text":
        result = from_top(result, prefix)
    report = result.report
    report.checked_files = list(dict.fromkeys(report.checked_files))  # a shared charter once
    if fmt == "junit":
        return to_junit(result)
    if fmt == "markdown":
        return to_markdown(result)
    if fmt == "github":
        note = result.base_note
        lines = [f"::warning title=sopctl check base::{_gh_escape(note)}"] if note else []
        return "\n".join([*lines, report_github(report, MAX_PER_FILE)]).strip("\n")
    if fmt == "json":
        doc = json.loads(report.to_json(MAX_PER_FILE))
        doc["base"], doc["head"] = result.base, result.head
        doc["base_label"], doc["base_note"] = result.base_label, result.base_note
        doc["planning_root"] = prefix  # paths are from the git top; this is the repo's folder
        doc["cycles"] = [
            {
                "cycle": c.cycle,
                "tag": c.tag,
                "tags_skipped": c.tags_skipped,
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
    if result.base:
        head += f" ({result.base_label})"
    if result.repository is not None:
        ran = [*result.repository.policies, *result.repository.skipped]
        head += f"; repository: {', '.join(ran)}"
    if result.base_note:
        head += f"\nnote: {result.base_note}"
    for c in result.cycles:  # a newer tag not taken as the last one: say why, once
        head += "".join(f"\ncycle {c.cycle}: {note}" for note in c.tags_skipped)
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


def check_root(start: Path) -> Path:
    """The planning repository to check: `find_root`'s, or, when the range deleted the last
    cycle (no cycles/ folder left), the nearest folder at or above `start` that holds charters/
    and whose git history has a cycles/ folder beside it, so the deletion is judged (SOP812)
    rather than refused as no planning repository."""
    from .. import vcs
    from ..errors import SopctlError, WorkspaceNotFound
    from ..workspace import find_root

    try:
        return find_root(start)
    except WorkspaceNotFound:
        here = start.resolve()
        for d in (here, *here.parents):
            if not (d / "charters").is_dir() or (d / "cycles").exists():
                continue
            try:
                top = vcs.repo_top(d).resolve()
                rel = d.relative_to(top).as_posix()
                gone = vcs.file_commits(d, "cycles" if rel == "." else f"{rel}/cycles", limit=1)
            except (SopctlError, ValueError):
                gone = []
            if gone:
                return d
        raise
