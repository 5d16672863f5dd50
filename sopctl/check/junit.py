"""The check result as JUnit XML: one testsuite per cycle, one testcase per policy (pure)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..findings import Severity
from .codes import POLICIES
from .engine import CheckResult


def to_junit(result: CheckResult) -> str:
    """A `<testsuites>` document; error findings are failures (one per policy, each finding on
    its own line as `path:line:col: CODE message`), a policy that could not run is skipped."""
    root = ET.Element("testsuites", name="sopctl check")
    total = failed = skipped = 0
    for c in result.cycles:
        suite = ET.SubElement(root, "testsuite", name=f"cycle {c.cycle}")
        n = f = s = 0
        for pid, title in POLICIES.items():
            case = ET.SubElement(suite, "testcase", name=pid, classname=f"sopctl.check.{c.cycle}")
            n += 1
            if pid in c.skipped:
                ET.SubElement(case, "skipped", message=c.skipped[pid])
                s += 1
                continue
            findings = c.policies.get(pid, [])
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
            ET.SubElement(case, "properties").append(
                ET.Element("property", name="policy", value=title)
            )
        suite.set("tests", str(n))
        suite.set("failures", str(f))
        suite.set("errors", "0")
        suite.set("skipped", str(s))
        total, failed, skipped = total + n, failed + f, skipped + s
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
