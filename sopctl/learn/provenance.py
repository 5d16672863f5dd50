"""Which tag a scorecard scores: `learn/<cycle>/tag.json`, written by `sopctl learn` in the same
all-or-nothing step as scorecard.csv and series.csv.

A scorecard is never part of the tag it scores: learn reads the committed plan from the tag, so
the tag exists before the scorecard does (and learn/ is git-ignored by default). `sopctl report
TAG` therefore looks for it in the working tree and shows it only when this file names that tag
and its plan digest; the scorecard rows themselves do not say which tag they score.
"""

from __future__ import annotations

import json
from pathlib import Path

NAME = "tag.json"
VERSION = 1


def provenance(
    tag: str, commit: str, plan_digest: str, actuals: str, digests: dict[str, str]
) -> bytes:
    """The file's bytes: the same for the same tag and actuals, like the scorecard.
    `digests`: each actuals file read (as shown: repository-relative when inside it) and the
    SHA-256 of its content, so a reader can tell that the actuals changed since."""
    doc = {
        "version": VERSION,
        "tag": tag,
        "commit": commit,
        "plan_digest": plan_digest,
        "actuals": actuals,
        "actuals_sha256": dict(sorted(digests.items())),
    }
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def changed_actuals(root: Path, folder: Path) -> list[str]:
    """The actuals that are no longer what the scorecard read: each file folder/tag.json
    records whose content changed or that is gone, then, as `added <file>`, each actuals table
    file now in the folder it read that it did not read (an order_lines.csv added since);
    [] when it records none (an earlier sopctl) or all still match."""
    from ..results import file_recorded

    try:
        doc = json.loads((folder / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    digests = doc.get("actuals_sha256") if isinstance(doc, dict) else None
    if not isinstance(digests, dict):
        return []
    changed = sorted(
        str(shown)
        for shown, digest in digests.items()
        if not isinstance(digest, str) or not file_recorded(root / str(shown), digest)
    )
    location = doc.get("actuals")
    return changed + (_added(root, location, digests) if isinstance(location, str) else [])


def _added(root: Path, location: str, digests: dict[str, object]) -> list[str]:
    """`added <file>` for each actuals table file (by its fixed name) in the folder the
    scorecard read that it did not read; none when it read one file."""
    from ..workspace import display
    from .actuals import FILES

    folder = root / location
    if not folder.is_dir():
        return []
    out = []
    for name in sorted(FILES):
        path = folder / name
        if path.is_file() and display(root, path) not in digests:
            out.append(f"added {display(root, path)}")
    return out


def read(folder: Path) -> dict[str, str]:
    """`tag`, `commit`, `plan_digest` and `actuals` of folder/tag.json; {} when it is missing
    or unreadable (a scorecard written by an earlier sopctl has none)."""
    try:
        doc = json.loads((folder / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    keys = ("tag", "commit", "plan_digest", "actuals")
    return {k: doc[k] for k in keys if isinstance(doc.get(k), str)}
