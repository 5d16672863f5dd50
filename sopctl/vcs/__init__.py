"""Every git call sopctl makes, behind small typed functions (GitPython, imported lazily).

Pattern: guard (is this a repository, is the tree clean, who am I) → dry-run → act. Git
failures become GitError (a UserError, exit 2) with a hint, never a traceback. This package is
the only place that imports git: repo (open, identity, files at a revision), commit (one file
committed as `git commit` would, all or nothing; lock files), tags (commit records) and history
(ranges, trees, temporary worktrees).
"""

from __future__ import annotations

from .blobs import read_blobs, same_as, tree_files
from .commit import LOCK_WAIT, WRITERS_LOCK, commit_file, file_lock, held_interrupts
from .history import (
    CommitChange,
    MergeChange,
    commits_in_range,
    count_commits,
    file_commits,
    in_some_branch,
    last_changes,
    merge_base,
    merges_in_range,
    temporary_worktree,
    tracked_files,
)
from .repo import (
    branch,
    dirty_paths,
    enclosing_work_tree,
    git_dir,
    head,
    ignored,
    init_repo,
    is_dirty,
    is_shallow,
    open_repo,
    remote_default,
    repo_top,
    require_git,
    resolve_commit,
    shallow_commits,
    show_file,
    uncommitted,
    untracked,
    user_email,
)
from .tags import TagInfo, create_tag, has_tags, list_tags, read_tag, tag_names, verify_tag

__all__ = [
    "LOCK_WAIT",
    "WRITERS_LOCK",
    "CommitChange",
    "MergeChange",
    "TagInfo",
    "branch",
    "commit_file",
    "commits_in_range",
    "count_commits",
    "create_tag",
    "dirty_paths",
    "enclosing_work_tree",
    "file_commits",
    "file_lock",
    "git_dir",
    "has_tags",
    "head",
    "held_interrupts",
    "ignored",
    "in_some_branch",
    "init_repo",
    "is_dirty",
    "is_shallow",
    "last_changes",
    "list_tags",
    "merge_base",
    "merges_in_range",
    "open_repo",
    "read_blobs",
    "read_tag",
    "remote_default",
    "repo_top",
    "require_git",
    "resolve_commit",
    "same_as",
    "shallow_commits",
    "show_file",
    "tag_names",
    "temporary_worktree",
    "tracked_files",
    "tree_files",
    "uncommitted",
    "untracked",
    "user_email",
    "verify_tag",
]
