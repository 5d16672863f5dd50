"""The check result as JUnit XML: one testsuite per cycle, one testcase per policy, and a
testsuite `repository` for the repository-level policies that ran (pure)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..findings import Finding, Severity
from .codes import POLICIES, REPO_POLICIES
from .engine import CheckResult


def _suite(
    root: ET.Element,
    name: str,
    classname: str,
    titles: dict[str, str],
    policies: dict[str, list[Finding]],
    skipped: dict[str, str],
) -> tuple[int, int, int]:
    """One testsuite; (tests, failures, skipped) of it."""
    suite = ET.SubElement(root, "testsuite", name=name)
    n = f = s = 0
    for pid, title in titles.items():
        case = ET.SubElement(suite, "testcase", name=pid, classname=classname)
        n += 1
        if pid in skipped:
            ET.SubElement(case, "skipped", message=skipped[pid])
            s += 1
            continue
        findings = policies.get(pid, [])
        errors = [x for x in findings if x.severity is Severity.ERROR]
        others = [x for x in findings if x.severity is not Severity.ERROR]
        if errors:
            f += 1
            first = errors[0]
            fail = ET.SubElement(
                case,
                "failure",
                message=f"{len(errors)} finding(s); first: {first.location()} {first.code}",
                type=first.code,
            )
            fail.text = "\n".join(str(x) for x in errors)
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(str(x) for x in others)
        if errors or others:
            case.set("file", (errors or others)[0].path)
        ET.SubElement(case, "properties").append(ET.Element("property", name="policy", value=title))
    suite.set("tests", str(n))
    suite.set("failures", str(f))
    suite.set("errors", "0")
    suite.set("skipped", str(s))
    return n, f, s


def to_junit(result: CheckResult) -> str:
    """A `<testsuites>` document; error findings are failures (one per policy, each finding on
    its own line as `path:line:col: CODE message`), a policy that could not run is skipped."""
    root = ET.Element("testsuites", name="sopctl check")
    counts = [
        _suite(root, f"cycle {c.cycle}", f"sopctl.check.{c.cycle}", POLICIES, c.policies, c.skipped)
        for c in result.cycles
    ]
    repo = result.repository
    if repo is not None:
        ran = {p: t for p, t in REPO_POLICIES.items() if p in repo.policies or p in repo.skipped}
        counts.append(
            _suite(root, "repository", "sopctl.check.repository", ran, repo.policies, repo.skipped)
        )
    root.set("tests", str(sum(c[0] for c in counts)))
    root.set("failures", str(sum(c[1] for c in counts)))
    root.set("errors", "0")
    root.set("skipped", str(sum(c[2] for c in counts)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
