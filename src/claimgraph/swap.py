"""Putting a completely written copy of a store in place of the store, in one step.

A load larger than one write transaction is written into a staging copy beside the store
(``.DIR.claimgraph-staging-<pid>``, a RocksDB checkpoint: hard links, nearly free on the same
filesystem), which then replaces the store folder. A crash at any moment leaves the folder
``DIR`` with either the old store or the whole new one; what else it can leave beside it:

* before the swap: ``DIR`` old, a staging folder (incomplete or complete) — garbage;
* swapped by ``renameat2(RENAME_EXCHANGE)`` (Linux; one step): ``DIR`` new, the staging name
  holds the old store — garbage;
* where the filesystem cannot exchange (EINVAL/ENOSYS): two renames. ``DIR`` is first renamed to
  ``.DIR.claimgraph-old-<pid>`` (only ever done once the staging copy is complete and closed,
  so that name is the marker), then the staging folder to ``DIR``. Killed between the two,
  ``DIR`` is missing: :func:`recover` (run by the next ``open_store`` or load) renames the
  staging folder to ``DIR`` (the new store was complete) or, if it is gone, the old one back.

Leftovers are removed by the next load, which holds the lock file ``.DIR.claimgraph-lock``
(``flock``) that every load takes, so it never removes a live load's staging folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from .errors import StoreError

try:
    import fcntl
except ImportError:  # not POSIX: no locks beyond RocksDB's own
    fcntl = None  # type: ignore[assignment]

_TAG = ".claimgraph-"


def _step(name: str) -> None:
    """A no-op at each point a crash could happen; tests replace it to kill the process."""


def staging_path(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}{_TAG}staging-{os.getpid()}")


def _aside_path(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}{_TAG}old-{os.getpid()}")


def leftovers(folder: Path, kind: str = "*") -> list[Path]:
    """Staging (``kind="staging"``) or set-aside (``"old"``) folders left beside ``folder``."""
    try:
        return sorted(folder.parent.glob(f".{folder.name}{_TAG}{kind}-[0-9]*"))
    except OSError:
        return []


@contextlib.contextmanager
def load_lock(folder: Path, shown: str | Path, *, wait: bool = False) -> Iterator[None]:
    """Hold ``.DIR.claimgraph-lock``: one load (or recovery) of a store folder at a time."""
    lock = folder.with_name(f".{folder.name}{_TAG}lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except FileNotFoundError:
        raise StoreError(
            "cannot open store: its parent folder does not exist", path=shown
        ) from None
    except OSError as e:
        raise StoreError(
            f"cannot create the lock file {lock.name}: {e.strerror}", path=shown
        ) from None
    try:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise StoreError(
                "store is in use by another process (one writer at a time)", path=shown
            ) from None
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def rocksdb_lock(folder: Path, shown: str | Path) -> Iterator[None]:
    """Take the store's own ``LOCK`` (as RocksDB does) once it is closed, until the swap is done."""
    fd = os.open(folder / "LOCK", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            if fcntl is not None:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreError(
                "store was opened by another process during the load; nothing was written",
                path=shown,
            ) from None
        yield
    finally:
        os.close(fd)


def can_swap(folder: Path) -> bool:
    """Whether ``folder`` can be renamed: not a mount point, not the working directory."""
    try:
        here = folder.stat()
        if here.st_dev != folder.parent.stat().st_dev:
            return False
        return not os.path.samefile(folder, os.getcwd())
    except OSError:
        return False


def open_paths_under(*folders: Path) -> list[str]:
    """Files this process still has open in ``folders`` (Linux; empty elsewhere)."""
    roots = [os.path.realpath(f) + os.sep for f in folders]
    found = []
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return []
    for name in names:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if any(target.startswith(r) for r in roots):
            found.append(target)
    return found


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_tree(path: Path) -> None:
    """``shutil.rmtree`` ignoring errors, importing shutil only when a tree is removed."""
    import shutil  # deferred: it pulls in compression modules no cold command needs

    shutil.rmtree(path, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_SYSCALLS = {"x86_64": 316, "aarch64": 276}


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders' names in one step; False where the system or filesystem cannot."""
    if sys.platform != "linux":
        return False
    import ctypes  # here, not at the top: every cold CLI command imports this module
    import platform

    libc = ctypes.CDLL(None, use_errno=True)
    args = (_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
        renameat2.argtypes.append(ctypes.c_uint)
        rc = renameat2(*args)
    else:
        number = _SYSCALLS.get(platform.machine())
        if number is None:
            return False
        libc.syscall.restype = ctypes.c_long
        rc = libc.syscall(
            ctypes.c_long(number),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(args[1]),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(args[3]),
            ctypes.c_uint(_RENAME_EXCHANGE),
        )
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(folder: Path, staging: Path) -> None:
    """Replace the store ``folder`` by the complete, closed copy ``staging``; remove the old."""
    parent = folder.parent
    _fsync_dir(staging)
    with contextlib.suppress(OSError):
        os.chmod(staging, folder.stat().st_mode & 0o7777)  # the folder keeps its mode
    if exchange(staging, folder):
        _fsync_dir(parent)
        _step("exchanged")
        remove_tree(staging)  # now the old store
        return
    aside = _aside_path(folder)
    os.rename(folder, aside)
    _fsync_dir(parent)
    _step("set-aside")
    try:
        os.rename(staging, folder)
    except OSError:
        os.rename(aside, folder)  # undo: the old store stays
        raise
    _fsync_dir(parent)
    _step("renamed")
    remove_tree(aside)


def place_new(folder: Path, staging: Path) -> None:
    """Put a newly created store ``staging`` at ``folder``, which is missing or an empty folder."""
    _fsync_dir(staging)
    if folder.is_dir():
        with contextlib.suppress(OSError):
            os.chmod(staging, folder.stat().st_mode & 0o7777)
    os.rename(staging, folder)  # replaces an empty folder in one step
    _fsync_dir(folder.parent)


def recover(folder: Path, *, clean: bool) -> None:
    """Finish (or undo) a two-rename swap a killed load left; ``clean`` removes leftovers.

    Call with :func:`load_lock` held.
    """
    if not (folder / "CURRENT").exists():
        for aside in leftovers(folder, "old"):
            pid = aside.name.rsplit("-", 1)[1]
            staged = folder.with_name(f".{folder.name}{_TAG}staging-{pid}")
            os.rename(staged if staged.is_dir() else aside, folder)
            _fsync_dir(folder.parent)
            break
    if clean:
        for left in leftovers(folder):
            remove_tree(left)
