"""Atomic writes keep the permissions people expect: the umask for a new file, the old mode
for a replaced one (not mkstemp's owner-only 0600)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sopctl.outputs import write_all, write_atomic


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.csv", tmp_path / "out" / "b.csv", tmp_path / "out" / "c.json"
    write_atomic(a, "x\n")
    write_all({b: b"1\n", c: "{}\n"})
    assert (_mode(a), _mode(b), _mode(c)) == (0o644, 0o644, 0o644)
    a.chmod(0o600)
    b.chmod(0o664)
    write_atomic(a, "y\n")
    write_all({b: b"2\n", c: "[]\n"})
    assert (_mode(a), _mode(b), _mode(c)) == (0o600, 0o664, 0o644)
    assert (a.read_text(), b.read_text(), c.read_text()) == ("y\n", "2\n", "[]\n")
    assert sorted(p.name for p in tmp_path.rglob("*.tmp")) == []
