"""Checks of a parsed charter and cycle that a schema cannot express (ids, roles, quorum...)."""

from __future__ import annotations

from . import periods
from .findings import Finding, finding
from .hints import did_you_mean
from .schemas.charter import KNOWN_METRICS, LOWER_IS_BETTER, Charter
from .schemas.cycle import Cycle
from .yamlio import YamlDoc


def _dupes(doc: YamlDoc, items: list[str], section: str, code: str, what: str) -> list[Finding]:
    out = []
    seen: dict[str, int] = {}  # ids are one id whatever their case, as CSV values read them
    for i, value in enumerate(items):
        first = seen.get(value.lower())
        if first is not None:
            line, col = doc.where((section, i))
            case = "" if items[first] == value else f" as '{items[first]}', in another case"
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    code,
                    f"{what} '{value}' is declared again (first as entry "
                    f"{first + 1}{case}); keep one",
                )
            )
        else:
            seen[value.lower()] = i
    return out


def _metric_names(ch: Charter, doc: YamlDoc) -> list[Finding]:
    """SOP511 for a metric name sopctl never judges that is spelt like one it does
    (`gross_margn`): it would pass validate and never be judged. A name far from every known
    one (`pipeline_coverage`) is a metric the team tracks outside sopctl, and stays quiet."""
    out = []
    for i, m in enumerate(ch.metrics):
        if m.name in KNOWN_METRICS:
            continue
        close = did_you_mean(m.name, list(KNOWN_METRICS))
        if close is None:
            continue
        line, col = doc.where(("metrics", i, "name"))
        out.append(
            finding(
                doc.path,
                line,
                col,
                "SOP511",
                f"metric '{m.name}' is none that sopctl judges, so check, tag and learn would "
                f"never judge it; did you mean '{close}'? Rename it (keep the name only for a "
                "metric tracked outside sopctl)",
            )
        )
    return out


def check_charter(ch: Charter, doc: YamlDoc) -> list[Finding]:
    out: list[Finding] = []
    out += _dupes(doc, [r.id for r in ch.roles], "roles", "SOP504", "role")
    out += _dupes(doc, [s.id for s in ch.segments], "segments", "SOP504", "segment")
    out += _dupes(doc, [m.name for m in ch.metrics], "metrics", "SOP504", "metric")
    out += _metric_names(ch, doc)
    for i, m in enumerate(ch.metrics):
        # the schema makes these at_most unless the charter says otherwise: at_least is written
        if m.name not in LOWER_IS_BETTER:
            continue
        written = ("metrics", i, "direction") in doc.marks
        if m.direction == "at_least":
            msg = (
                f"{m.name} is better the lower it is: direction at_least breaches when it is "
                f"below {m.target:g}; write at_most (the default) unless a floor is meant"
            )
        elif not written:  # sopctl before 2026-11-26 read the missing key as at_least
            msg = (
                f"{m.name} names no direction: it is judged as a ceiling (at_most), where "
                "sopctl before 2026-11-26 read it as a floor (at_least); write direction: "
                "at_most to say so"
            )
        else:
            continue
        line, col = doc.where(("metrics", i, "direction"))
        out.append(finding(doc.path, line, col, "SOP510", msg))
    for i, role in enumerate(ch.approvals.required_roles):
        if role in ch.approvals.required_roles[:i]:
            line, col = doc.where(("approvals", "required_roles", i))
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    "SOP504",
                    f"role '{role}' is listed twice in required_roles; list it once",
                )
            )
    if ch.pipeline:
        stages = [s.id for s in ch.pipeline.stages]
        for i in range(len(stages)):
            if stages[i].lower() in [s.lower() for s in stages[:i]]:
                line, col = doc.where(("pipeline", "stages", i))
                out.append(
                    finding(
                        doc.path,
                        line,
                        col,
                        "SOP504",
                        f"stage '{stages[i]}' is declared again; keep one",
                    )
                )
        probs = [s.probability for s in ch.pipeline.stages]
        for i in range(1, len(probs)):
            if probs[i] < probs[i - 1]:
                line, col = doc.where(("pipeline", "stages", i, "probability"))
                out.append(
                    finding(
                        doc.path,
                        line,
                        col,
                        "SOP508",
                        f"stage '{stages[i]}' has a lower probability than the stage "
                        "before it; list stages from earliest to latest",
                    )
                )
        seg_ids = {s.id for s in ch.segments}
        for i, seg in enumerate(ch.pipeline.replaces_baseline_for):
            if seg not in seg_ids:
                line, col = doc.where(("pipeline", "replaces_baseline_for", i))
                out.append(
                    finding(
                        doc.path,
                        line,
                        col,
                        "SOP403",
                        _unknown_segment(seg, ch),
                    )
                )
    # glossary: one alias must not name two terms
    owner: dict[str, str] = {}
    for i, g in enumerate(ch.glossary):
        for j, alias in enumerate([g.term, *g.aliases]):
            key = alias.strip().lower()
            if key in owner and owner[key] != g.term:
                line, col = doc.where(("glossary", i, "aliases", j - 1) if j else ("glossary", i))
                out.append(
                    finding(
                        doc.path,
                        line,
                        col,
                        "SOP505",
                        f"'{alias}' already stands for '{owner[key]}'; an alias can "
                        "name one term only",
                    )
                )
            owner.setdefault(key, g.term)
    roles = {r.id: r for r in ch.roles}
    used: dict[str, tuple[int | str, ...]] = {}

    def role_ref(role: str, loc: tuple[int | str, ...]) -> None:
        if role not in roles:
            line, col = doc.where(loc)
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    "SOP502",
                    f"unknown role '{role}'; declare it under roles or use one of: "
                    f"{', '.join(sorted(roles))}",
                )
            )
        else:
            used.setdefault(role, loc)

    rights = ch.decision_rights.model_dump()
    for right, holders in rights.items():
        if not holders:
            line, col = doc.where(("decision_rights", right))
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    "SOP509",
                    f"nobody holds '{right}'; name the roles that may do it",
                )
            )
        for i, r in enumerate(holders):
            role_ref(r, ("decision_rights", right, i))
    for i, r in enumerate(ch.approvals.required_roles):
        role_ref(r, ("approvals", "required_roles", i))
    for i, decl in enumerate(ch.inputs):
        role_ref(decl.owner, ("inputs", i, "owner"))
    for i, m in enumerate(ch.metrics):
        role_ref(m.owner, ("metrics", i, "owner"))
    for i, e in enumerate(ch.escalation):
        role_ref(e.to, ("escalation", i, "to"))
        if e.segment is not None and e.segment not in {s.id for s in ch.segments}:
            line, col = doc.where(("escalation", i, "segment"))
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    "SOP403",
                    _unknown_segment(e.segment, ch),
                )
            )
    for section, r in ch.learn.owners.items():
        role_ref(r, ("learn", "owners", section))
    if ch.learn.escalate_to is not None:
        role_ref(ch.learn.escalate_to, ("learn", "escalate_to"))
    for role, loc in sorted(used.items()):
        if not roles[role].members:
            line, col = doc.where(("roles", [r.id for r in ch.roles].index(role)))
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    "SOP501",
                    f"role '{role}' has no members but is used at "
                    f"{'.'.join(str(p) for p in loc)}; add member e-mails",
                )
            )
    required = set(ch.approvals.required_roles)
    if ch.approvals.quorum > len(required):
        line, col = doc.where(("approvals", "quorum"))
        out.append(
            finding(
                doc.path,
                line,
                col,
                "SOP503",
                f"quorum {ch.approvals.quorum} needs more sign-offs than the "
                f"{len(required)} required roles can give; lower it or add roles",
            )
        )
    if ch.cadence.frozen_periods >= ch.cadence.horizon_periods:
        line, col = doc.where(("cadence", "frozen_periods"))
        out.append(
            finding(
                doc.path,
                line,
                col,
                "SOP506",
                f"the frozen window ({ch.cadence.frozen_periods} periods) covers the whole "
                f"horizon of {ch.cadence.horizon_periods}; lower frozen_periods below "
                "horizon_periods",
            )
        )
    cal = ch.calendar
    if not cal.signal <= cal.reconcile <= cal.commit:
        line, col = doc.where(("calendar",))
        out.append(
            finding(
                doc.path,
                line,
                col,
                "SOP507",
                f"phases are due signal {cal.signal}, reconcile {cal.reconcile}, "
                f"commit {cal.commit}; each phase must be due no earlier than the "
                "one before",
            )
        )
    files = [d.file.strip().removeprefix("./") for d in ch.inputs]
    out += _dupes(doc, files, "inputs", "SOP606", "input file")
    out += _dupes(doc, [d.table for d in ch.inputs], "inputs", "SOP606", "table type")
    return out


def _unknown_segment(seg: str, ch: Charter) -> str:
    """SOP403 for a segment the charter does not declare: its ids, and the one meant when
    it is spelt close to one (`OEM` for `oem`) or is a glossary alias of one."""
    ids = [s.id for s in ch.segments]
    term = ch.aliases().get(seg.strip().lower())
    meant = term if term in ids else did_you_mean(seg, ids)
    guess = f"; did you mean {meant}?" if meant is not None else ""
    return f"unknown segment '{seg}'; use a segment id of this charter ({', '.join(ids)}){guess}"


def check_cycle(cy: Cycle, doc: YamlDoc, folder: str, ch: Charter | None) -> list[Finding]:
    out: list[Finding] = []
    if cy.id != folder:
        line, col = doc.where(("id",))
        out.append(
            finding(
                doc.path,
                line,
                col,
                "SOP604",
                f"id '{cy.id}' differs from the folder name '{folder}'; make them the same",
            )
        )
    out += _dupes(doc, [a.id for a in cy.assumptions], "assumptions", "SOP607", "assumption")
    out += _dupes(doc, [s.id for s in cy.scenarios], "scenarios", "SOP607", "scenario")
    if ch is None:
        return out
    bucket = ch.cadence.bucket
    if (bad := periods.problem(cy.first_period, bucket)) is not None:
        line, col = doc.where(("first_period",))
        msg = f"first_period '{cy.first_period}' {bad.what}; {bad.fix}"
        out.append(finding(doc.path, line, col, "SOP308", msg))
    roles = ch.role_ids()
    for i, a in enumerate(cy.assumptions):
        if a.owner not in roles:
            line, col = doc.where(("assumptions", i, "owner"))
            out.append(
                finding(
                    doc.path,
                    line,
                    col,
                    "SOP608",
                    f"owner '{a.owner}' is not a charter role; use one of: "
                    f"{', '.join(sorted(roles))}",
                )
            )
    return out
