"""Run two independent pieces of file-writing work on both cores: one here, one in a forked child.

The scan's writers (matches files, consortia.json, digest, thousands of briefs) are plain Python and
hold the GIL, so threads would not help; a forked child shares the scan's memory (copy on write)
without pickling anything. The child only writes files: it returns nothing, prints nothing, and leaves
with ``os._exit`` (no atexit handlers, no second flush of the parent's buffers).

If the child fails for any reason, its work is run again here, so its real error (with its file and
fix) is raised exactly as in a one-process run. Without ``os.fork`` (not Linux), on one core, or when
disabled, both run here, ``beside`` first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return sys.platform == "linux" and hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def run_beside(here: Callable[[], T], beside: Callable[[], object], *, enabled: bool = True) -> T:
    """``here()`` in this process while ``beside()`` runs in a forked child; returns ``here()``'s result.

    ``beside`` must only write files (its return value is dropped) and must not depend on ``here``.
    """
    if not (enabled and can_fork()):
        beside()
        return here()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            beside()
            code = 0
        finally:
            os._exit(code)
    try:
        result = here()
    finally:
        _, status = os.waitpid(pid, 0)  # always reap the child, even when here() raised
    if os.waitstatus_to_exitcode(status) != 0:
        beside()  # raises the child's error here, or succeeds if it was transient
    return result
