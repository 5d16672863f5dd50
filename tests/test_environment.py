"""The environment sopctl runs in: places it cannot write, inputs that are no regular files,
standard streams that are closed, broken or not UTF-8, and Ctrl-C.

A bad environment is exit 2 with what to change (or a finding at the path), never a traceback
or the internal-error exit 3.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from sopctl.errors import CannotWrite
from sopctl.outputs import is_temp, write_all, write_atomic
from tests.helpers import deadline, git, run

INPUT = "cycles/2026-12/inputs/pipeline.csv"
OUTPUTS = "cycles/2026-12/outputs"


def _env_error(r: object, *fragments: str) -> None:
    code, err = r.code, r.err  # type: ignore[attr-defined]
    assert code == 2, (code, r.out, err)  # type: ignore[attr-defined]
    assert "internal error" not in err and "Traceback" not in err, err
    assert err.startswith("sopctl: error: cannot write "), err
    assert "\nhint: " in err, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


# --- places that cannot be written ----------------------------------------------------------


def _outputs_file(repo: Path) -> None:
    (repo / OUTPUTS).write_text("not a folder\n", encoding="utf-8")


def _github_file(repo: Path) -> None:
    (repo / ".github").write_text("not a folder\n", encoding="utf-8")


def _afile(repo: Path) -> None:
    (repo.parent / "afile").write_text("x\n", encoding="utf-8")


def _adir(repo: Path) -> None:
    (repo.parent / "adir").mkdir()


UNWRITABLE: list[tuple[str, Callable[[Path], None], list[str], list[str]]] = [
    (
        "demand-outputs-a-file",
        _outputs_file,
        ["demand"],
        [f"cannot write {OUTPUTS}/demand_plan.csv: {OUTPUTS} is a file, not a folder"],
    ),
    (
        "reconcile-outputs-a-file",
        _outputs_file,
        ["reconcile"],
        [f"{OUTPUTS} is a file, not a folder", f"hint: remove or rename {OUTPUTS}"],
    ),
    ("report-out-a-folder", _adir, ["report", "--out", "../adir"], ["adir: it is a folder"]),
    ("check-output-a-folder", _adir, ["check", "--output", "../adir"], ["it is a folder"]),
    (
        "codeowners-path-a-folder",
        _adir,
        ["codeowners", "--write", "--path", "../adir"],
        ["it is a folder", "hint: name a file"],
    ),
    (
        "codeowners-github-a-file",
        _github_file,
        ["codeowners", "--write"],
        ["cannot write .github/CODEOWNERS: .github is a file, not a folder"],
    ),
    ("schema-out-below-a-file", _afile, ["schema", "--out", "../afile/sub"], ["is a file"]),
    ("init-below-a-file", _afile, ["init", "../afile/sub"], ["afile is a file, not a folder"]),
]


@pytest.mark.parametrize(
    ("setup", "args", "fragments"),
    [pytest.param(s, a, f, id=name) for name, s, a, f in UNWRITABLE],
)
def test_a_place_that_cannot_be_written_is_an_environment_error(
    repo: Path, setup: Callable[[Path], None], args: list[str], fragments: list[str]
) -> None:
    setup(repo)
    before = sorted(p.name for p in repo.parent.iterdir())
    _env_error(run(args, cwd=repo), *fragments)
    assert sorted(p.name for p in repo.parent.iterdir()) == before  # nothing half-written
    if (repo / OUTPUTS).is_file():
        assert (repo / OUTPUTS).read_text(encoding="utf-8") == "not a folder\n"


def test_export_xlsx_out_a_folder(repo: Path) -> None:
    pytest.importorskip("xlsxwriter")
    (repo.parent / "adir").mkdir()
    _env_error(run(["export", "xlsx", "--inputs", "--out", "../adir"], cwd=repo), "it is a folder")


def test_schema_out_a_file_says_it_wants_a_folder(repo: Path) -> None:
    (repo.parent / "afile").write_text("x\n", encoding="utf-8")
    r = run(["schema", "--out", "../afile"], cwd=repo)
    assert r.code == 2 and "is a file; sopctl schema writes six files into a folder" in r.err


def test_no_permission_names_the_folder_to_make_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission bits do not bind root, so the refusal is simulated where it happens."""

    def refuse(*_a: object, dir: str, **_k: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", os.path.join(dir, ".x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CannotWrite) as info:
        write_all({tmp_path / "out" / "a.csv": "x\n"})
    assert info.value.message == "cannot write out/a.csv: Permission denied"
    assert info.value.hint is not None and "make out a writable folder" in info.value.hint
    assert "chmod u+w out" in info.value.hint


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores modes")
def test_a_read_only_outputs_folder(repo: Path) -> None:
    (repo / OUTPUTS).mkdir()
    (repo / OUTPUTS).chmod(0o555)
    try:
        _env_error(run(["demand"], cwd=repo), "Permission denied", f"make {OUTPUTS} a writable")
    finally:
        (repo / OUTPUTS).chmod(0o755)


def test_write_atomic_refuses_a_folder_and_leaves_it(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    with pytest.raises(CannotWrite, match="it is a folder"):
        write_atomic(tmp_path / "d", "x")
    assert (tmp_path / "d").is_dir() and not [p for p in tmp_path.iterdir() if is_temp(p.name)]


@pytest.mark.parametrize("where", ["folder", "missing-folder"])
def test_a_step_summary_that_cannot_be_written_is_a_warning(
    repo: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    expected = run(["check"], cwd=repo)
    target = repo.parent / "adir"
    target.mkdir()
    if where == "missing-folder":
        target = target / "missing" / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    r = run(["check"], cwd=repo)
    assert r.code == expected.code and r.out == expected.out, r.err
    assert "sopctl: warning: cannot write the step summary to " in r.err, r.err
    assert "internal error" not in r.err


def test_an_os_error_with_a_path_is_an_environment_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_a: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", "cycles/x.csv")

    monkeypatch.setattr("sopctl.cli.commands.run_validate", refuse)
    r = run(["validate"], cwd=repo)
    assert r.code == 2, r.err
    assert r.err.startswith("sopctl: error: cannot access cycles/x.csv: Permission denied"), r.err
    assert "internal error" not in r.err


def test_a_missing_file_no_command_reported_stays_an_internal_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOENT for a path sopctl should have made or checked is a bug (exit 3), not the user's."""

    def missing(*_a: object) -> int:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "outputs/x.csv")

    monkeypatch.setattr("sopctl.cli.commands.run_validate", missing)
    r = run(["validate"], cwd=repo)
    assert r.code == 3 and "internal error: FileNotFoundError" in r.err, r.err


# --- inputs that are no regular files -------------------------------------------------------


@pytest.fixture
def fifo_repo(repo: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("this platform has no FIFOs")
    (repo / INPUT).unlink()
    os.mkfifo(repo / INPUT)
    return repo


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["demand"],
        ["reconcile"],
        ["approve", "--role", "cfo"],
        ["tag", "--dry-run"],
        ["export", "xlsx", "--inputs"],
    ],
    ids=" ".join,
)
def test_a_fifo_in_place_of_an_input_is_a_finding_and_never_opened(
    fifo_repo: Path, args: list[str]
) -> None:
    if args[0] == "export":
        pytest.importorskip("xlsxwriter")
    with deadline(60):
        r = run(args, cwd=fifo_repo)
    assert r.code == 1, r.out + r.err
    assert f"{INPUT}: error SOP019 this is a FIFO (named pipe), not a regular file" in r.out + r.err


def test_status_with_a_fifo_input_ends(fifo_repo: Path) -> None:
    with deadline(60):
        r = run(["status"], cwd=fifo_repo)
    assert r.code in (0, 1) and "internal error" not in r.err, r.err


def test_export_inputs_reports_a_folder_in_place_of_an_input(repo: Path) -> None:
    pytest.importorskip("xlsxwriter")
    (repo / INPUT).unlink()
    (repo / INPUT).mkdir()
    r = run(["export", "xlsx", "--inputs"], cwd=repo)
    assert r.code == 1, r.out + r.err
    assert f"{INPUT}: error SOP002" in r.out and "nothing written" in r.err
    assert not (repo / OUTPUTS / "inputs.xlsx").exists()


# --- standard streams -----------------------------------------------------------------------


def _sopctl(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    cmd = [sys.executable, "-m", "sopctl", *args]
    return subprocess.run(cmd, cwd=repo, capture_output=True, timeout=120, check=False, env=env)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_a_stdout_that_is_not_utf8_degrades_the_text_and_keeps_the_exit_code(
    repo: Path, encoding: str
) -> None:
    utf8 = _sopctl(repo, "status", env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert "—".encode() in utf8.stdout  # the case needs a character ASCII does not have
    r = _sopctl(repo, "status", env={**os.environ, "PYTHONIOENCODING": encoding})
    assert r.returncode == utf8.returncode, r.stderr
    assert b"internal error" not in r.stderr
    text = utf8.stdout.decode()
    expected = "".join(c if _encodable(c, encoding) else {"—": "-"}[c] for c in text)
    assert r.stdout.decode(encoding) == expected


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_a_closed_stdout_runs_the_command_without_printing(repo: Path) -> None:
    cmd = [sys.executable, "-m", "sopctl", "validate"]
    r = subprocess.run(  # `sopctl validate >&-`
        cmd, cwd=repo, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1), timeout=120
    )
    assert r.returncode == 0 and r.stderr == b"", r.stderr


def test_a_reader_that_left_ends_the_run_quietly_with_141(repo: Path) -> None:
    cmd = [sys.executable, "-m", "sopctl", "status"]
    p = subprocess.Popen(cmd, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # `| head -0`: the reader is gone before the first line
    err = p.stderr.read()
    assert p.wait(timeout=120) == 141 and err == b"", err


def test_a_broken_pipe_that_is_not_stdout_is_not_silent(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")  # as from git cat-file's stdin

    monkeypatch.setattr("sopctl.cli.commands.run_validate", broken)
    r = run(["validate"], cwd=repo)
    assert r.code == 3 and "internal error: BrokenPipeError" in r.err, r


def test_stdout_none_in_process(repo: Path) -> None:
    err = io.StringIO()
    with contextlib.redirect_stdout(None), contextlib.redirect_stderr(err):  # type: ignore[type-var]
        old = Path.cwd()
        os.chdir(repo)
        saved, sys.argv = sys.argv, ["sopctl", "validate"]
        try:
            from sopctl.cli.app import main

            with pytest.raises(SystemExit) as info:
                main()
        finally:
            sys.argv = saved
            os.chdir(old)
    assert info.value.code == 0 and err.getvalue() == ""


# --- Ctrl-C and messages --------------------------------------------------------------------


def test_ctrl_c_says_interrupted(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*_a: object) -> int:
        signal.raise_signal(signal.SIGINT)
        return 0

    monkeypatch.setattr("sopctl.cli.commands.run_validate", interrupt)
    r = run(["validate"], cwd=repo)
    assert r.code == 130 and r.err == "sopctl: interrupted\n", r


def test_init_quotes_the_folder_in_the_next_steps(tmp_path: Path) -> None:
    path = tmp_path / "dir with spaces" / "new repo"
    r = run(["init", str(path), "--cycle", "2026-12"])
    assert r.code == 0, r.err
    assert f"  cd {shlex.quote(str(path))}\n" in r.out


def test_stand_ins_never_break_a_json_string() -> None:
    """Text degraded for a non-UTF-8 stdout may sit inside --format json output: no stand-in
    may close a JSON string or start an escape."""
    from sopctl.cli.process import _PLAIN, _plain

    assert not any('"' in v or "\\" in v for v in _PLAIN.values())
    assert _plain("“") == "'" and _plain("€") == "?"


def test_learn_json_is_ascii_whatever_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import json as json_module

    from sopctl.learn import render

    doc = {"assumption": "keeps “two shifts” at 5 €"}
    monkeypatch.setattr(render, "to_dict", lambda _res: doc)
    text = render.to_json(None)  # type: ignore[arg-type]
    assert text.isascii() and json_module.loads(text) == doc


# --- where the output goes and where the repository is --------------------------------------


@pytest.mark.parametrize(
    ("where", "what"), [("examples/sailcoo", "does not exist"), ("README.md", "is not a folder")]
)
def test_a_root_that_is_no_folder_is_a_usage_error(repo: Path, where: str, what: str) -> None:
    """A typo in --root must not fall back to the planning repository above it."""
    (repo / "examples").mkdir(exist_ok=True)
    (repo / "README.md").write_text("x\n", encoding="utf-8")
    r = run(["--root", str(repo / where), "validate"], cwd=repo)
    assert r.code == 2 and f"--root {repo / where} {what}" in r.err, r
    assert "charters/" in r.err and r.out == ""
    made = repo.parent / f"new-{what.split()[-1]}"  # init makes its own folder: --root unused
    assert run(["--root", str(repo / where), "init", str(made)], cwd=repo).code == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_stdout_or_stderr_is_an_environment_error(repo: Path) -> None:
    cmd = [sys.executable, "-m", "sopctl"]
    with open("/dev/full", "wb") as full:
        out = subprocess.run(
            [*cmd, "validate"], cwd=repo, stdout=full, stderr=subprocess.PIPE, timeout=120
        )
        err = subprocess.run([*cmd, "validate", "2099-99"], cwd=repo, stderr=full, timeout=120)
    assert out.returncode == 2, out.stderr
    assert b"cannot write the output: No space left on device" in out.stderr
    assert b"internal error" not in out.stderr
    assert err.returncode == 2  # the unknown cycle's exit code, though its message was lost


def test_inherited_git_location_variables_are_ignored(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sopctl finds the repository from --root or the current folder for every git call; a
    GIT_WORK_TREE or GIT_DIR left in the environment made git itself look elsewhere (approve
    saw the whole tree as uncommitted) while GitPython did not."""
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    r = run(["tag", "--dry-run"], cwd=repo)
    assert r.code == 1 and "refused to commit" in r.out, r
    assert "uncommitted changes" not in r.out, r.out
    assert os.environ["GIT_WORK_TREE"] == str(other)  # put back after the command
