"""Annotated tags: list, create (optionally signed), read and verify the commit records."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GitError
from .repo import _call, _git, git_dir, open_repo, resolve_commit

if TYPE_CHECKING:
    import git

SIGNATURE_STARTS = (
    "-----BEGIN PGP SIGNATURE-----",
    "-----BEGIN SSH SIGNATURE-----",
    "-----BEGIN SIGNED MESSAGE-----",
)


def has_tags(root: Path, prefix: str) -> bool:
    """Whether any tag lies under refs/tags/<prefix>, by one plain `git for-each-ref` (no
    GitPython: a caller on a hot path skips its import when there is none). False when `root`
    is in no repository or git cannot be run."""
    try:
        proc = subprocess.run(
            ["git", "for-each-ref", "--count=1", "--format=%(refname)", f"refs/tags/{prefix}"],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except OSError:
        return False
    return proc.returncode == 0 and bool(proc.stdout.strip())


def tag_names(root: Path, pattern: str, points_at: str | None = None) -> list[str]:
    """Tag names matching the glob `pattern` (optionally only those pointing at a commit)."""
    args = ["tag", "--list", pattern] + (["--points-at", points_at] if points_at else [])
    _, out, _ = _call(root, args, "git tag --list")
    return [line.strip() for line in out.splitlines() if line.strip()]


def create_tag(
    root: Path, name: str, commit: str, message: str, sign: bool = False, dry_run: bool = False
) -> None:
    """Create the annotated (or, with `sign`, signed) tag `name` at `commit`; the message is
    stored verbatim. Git refuses an existing name, so two racing writers cannot both win."""
    if resolve_commit(root, commit) is None:
        raise GitError(f"cannot tag '{commit}': no such commit")
    if dry_run:
        return
    import tempfile

    fd, msg = tempfile.mkstemp(prefix="sopctl-tag-", suffix=".txt", dir=git_dir(root))
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(message)
        args = ["tag", "-s" if sign else "-a", "--cleanup=verbatim", "-F", msg, name, commit]
        status, out, err = _call(root, args, "git tag", check=False)
    finally:
        Path(msg).unlink(missing_ok=True)
    text = (err.strip() or out.strip()).splitlines()
    last = text[-1] if text else f"exit status {status}"
    if status == 0 and sign and not read_tag(root, name).signature:
        # some git versions warn and still write an unsigned tag when the key cannot be used
        _call(root, ["tag", "-d", name], "git tag -d")
        status = 1
    if status == 0:
        return
    if "already exists" in err:
        raise GitError(f"tag {name} already exists", hint="another sopctl tag created it first")
    hint = (
        "check user.signingkey and gpg.format (openpgp or ssh) in your git config" if sign else None
    )
    raise GitError(f"git tag {name} failed: {last}", hint=hint)


@dataclass(frozen=True)
class TagInfo:
    """An annotated tag as stored: target commit, tagger, date, message and signature."""

    name: str
    commit: str
    tagger: str  # "Name <email>"
    timestamp: int  # seconds since the epoch
    offset: str  # "+0100"
    message: str  # without the signature block
    signature: str  # "" when unsigned

    @property
    def email(self) -> str:
        t = self.tagger
        return t[t.find("<") + 1 : t.find(">")].strip().lower() if "<" in t else ""


def _parse_tag(name: str, raw: bytes) -> TagInfo | None:
    text = raw.decode("utf-8", errors="replace")
    head, _, body = text.partition("\n\n")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        key, _, value = line.partition(" ")
        fields.setdefault(key, value)
    if fields.get("type") != "commit":
        return None
    tagger, stamp, offset = fields.get("tagger", ""), 0, "+0000"
    parts = tagger.rsplit(" ", 2)
    if len(parts) == 3 and parts[1].isdigit():
        tagger, stamp, offset = parts[0], int(parts[1]), parts[2]
    cut = min((i for s in SIGNATURE_STARTS if (i := body.find("\n" + s)) >= 0), default=-1)
    if body.startswith(SIGNATURE_STARTS):
        cut = 0
    message, signature = (body, "") if cut < 0 else (body[: cut + 1], body[cut + 1 :])
    return TagInfo(name, fields.get("object", ""), tagger, stamp, offset, message, signature)


def _tag_info(repo: git.Repo, name: str) -> TagInfo | None:
    g = _git()
    try:
        obj = g.TagReference(repo, f"refs/tags/{name}").object
    except (ValueError, g.BadName, g.BadObject):
        return None
    if obj.type != "tag":
        return None
    return _parse_tag(name, repo.odb.stream(obj.binsha).read())


def read_tag(root: Path, name: str) -> TagInfo:
    """The annotated tag `name` (with or without refs/tags/); GitError when there is none."""
    repo = open_repo(root)
    name = name.removeprefix("refs/tags/")
    info = _tag_info(repo, name)
    if info is not None:
        return info
    if resolve_commit(root, f"refs/tags/{name}") is not None:
        raise GitError(
            f"{name} is a lightweight tag, not a commit record",
            hint="commit records are annotated tags made by 'sopctl tag'",
        )
    raise GitError(f"unknown tag '{name}'", hint="list the committed cycles with 'sopctl log'")


def list_tags(root: Path, prefix: str) -> list[TagInfo | str]:
    """Every tag under refs/tags/<prefix>: its TagInfo, or just its name when it is not an
    annotated tag of a commit."""
    repo = open_repo(root)
    _, out, _ = _call(
        root, ["for-each-ref", "--format=%(refname:strip=2)", f"refs/tags/{prefix}"], "git"
    )
    names = [n.strip() for n in out.splitlines() if n.strip()]
    return [_tag_info(repo, n) or n for n in names]


def verify_tag(root: Path, name: str) -> tuple[bool, str]:
    """`git tag -v`: whether the signature is good, and git's words about it."""
    status, out, err = _call(root, ["tag", "-v", name], "git tag -v", check=False)
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("[GNUPG:]")]
    return status == 0, "\n".join(lines).strip() or out.strip()
