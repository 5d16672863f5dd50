"""A cache of committed outputs that had to be rebuilt, keyed by the tag's plan digest.

Lives in the git folder (`<git-common-dir>/sopctl-cache/learn/<plan_digest>/`), shared by all
worktrees and never part of the working tree. A reconcile output is served from here only when
its SHA-256 still equals the commit record's; a rebuilt demand view only when it was made by
this sopctl version (the demand view has no digest in the record).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__, vcs
from ..errors import CannotWrite
from ..outputs import write_all
from ..results import json_bytes

META = "meta.json"


def _dir(root: Path, plan_digest: str) -> Path:
    return vcs.git_dir(root) / "sopctl-cache" / "learn" / plan_digest


def digest(data: bytes) -> str:
    """The digest a commit record holds for these bytes (`results.content_digest`)."""
    from ..results import content_digest

    return content_digest(data)


def read(root: Path, plan_digest: str, name: str, recorded: str | None) -> bytes | None:
    """The cached bytes of `name`, or None when absent or no longer trustworthy."""
    folder = _dir(root, plan_digest)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        data = (folder / name).read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or (meta.get("files") or {}).get(name) != digest(data):
        return None
    if recorded is not None:
        return data if digest(data) == recorded else None
    return data if meta.get("sopctl") == __version__ else None


def write(root: Path, plan_digest: str, files: dict[str, bytes]) -> None:
    """Add `files` to the cache of this plan (best effort: a read-only git folder is fine)."""
    if not files:
        return
    folder = _dir(root, plan_digest)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        known = dict(meta.get("files") or {}) if isinstance(meta, dict) else {}
        if isinstance(meta, dict) and meta.get("sopctl") != __version__:
            known = {}
    except (OSError, ValueError):
        known = {}
    known.update({name: digest(data) for name, data in files.items()})
    doc = {"sopctl": __version__, "files": dict(sorted(known.items()))}
    out: dict[Path, str | bytes] = {folder / n: d for n, d in files.items()}
    out[folder / META] = json_bytes(doc)
    try:
        write_all(out)
    except CannotWrite:
        return
