"""Where the shared evaluation data lives: `../shared` next to the repository.

In a git worktree placed elsewhere (`git worktree add /some/where`), `../shared` next to the
worktree does not exist; the one next to the main checkout (found through git's common
directory) is used instead. Standard library only.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def shared_dir() -> Path:
    here = (REPO / ".." / "shared").resolve()
    if here.is_dir():
        return here
    try:
        common = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--path-format=absolute",
                                 "--git-common-dir"], capture_output=True, text=True, check=True)
        there = (Path(common.stdout.strip()).parent / ".." / "shared").resolve()
        if there.is_dir():
            return there
    except (OSError, subprocess.CalledProcessError):
        pass
    return here
