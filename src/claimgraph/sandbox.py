"""A kernel-level network block for the processes that run user SPARQL.

The query guard (``guard.guard_query``) decides from text, and a text check can always be
argued with; pyoxigraph itself has no switch that turns SERVICE or LOAD off. So the processes
that run user SPARQL also lose the ability to open internet sockets: a seccomp-BPF filter makes
``socket(2)`` fail with EPERM for every address family except ``AF_UNIX`` (workers talk to the
server over a socket pair) and ``AF_NETLINK`` (glibc asks the kernel about interfaces through it
and no packet leaves the host that way). Then even a query that walks past the guard gets
"permission denied" where it would have reached a host.

The filter is irreversible for the process and inherited by every child, so only processes that
run user SPARQL and need no network may call :func:`block_network`. It is applied to every
thread of the process (``SECCOMP_FILTER_FLAG_TSYNC``), so a thread started earlier (by a library)
cannot keep a way out.

The filter also refuses ``io_uring_setup`` (io_uring can create sockets without calling
``socket(2)``), every syscall made through a foreign ABI (32-bit ``int 0x80`` on x86_64, x32),
which a Python process never uses legitimately and which would otherwise number syscalls in a way
the filter does not check. It does not take away a socket the process already holds: callers
block before any internet socket exists in the process, or close those they inherited.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import sys

__all__ = ["block_network", "network_block_supported"]

# <linux/audit.h>, <linux/seccomp.h>, <linux/filter.h>, <linux/prctl.h>
_AUDIT_ARCH_X86_64 = 0xC000003E
_AUDIT_ARCH_AARCH64 = 0xC00000B7
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_X32_SYSCALL_BIT = 0x40000000

_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_JSET_K = 0x45
_BPF_RET_K = 0x06

# offsets into struct seccomp_data
_NR, _ARCH, _ARG0 = 0, 4, 16

# arch -> (audit arch, socket, io_uring_setup, seccomp)
_ARCHES = {
    "x86_64": (_AUDIT_ARCH_X86_64, 41, 425, 317),
    "aarch64": (_AUDIT_ARCH_AARCH64, 198, 425, 277),
}
_ARCH_ALIASES = {"amd64": "x86_64", "arm64": "aarch64"}

#: AF_UNIX and AF_NETLINK, as Linux numbers them (the filter is Linux-only). Literals, not
#: ``socket.AF_UNIX``: importing socket cost ~2.5 ms in every query's child, before the query.
_ALLOWED_FAMILIES = (1, 16)

_installed = False


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _machine() -> str | None:
    m = platform.machine().lower()
    m = _ARCH_ALIASES.get(m, m)
    return m if m in _ARCHES else None


def _program(machine: str) -> list[tuple[int, int, int, int]]:
    """The BPF program as (code, jt, jf, k); jumps are relative to the next instruction."""
    audit_arch, nr_socket, nr_io_uring_setup, _ = _ARCHES[machine]
    deny = _SECCOMP_RET_ERRNO | errno.EPERM
    prog: list[tuple[int, int, int, int]] = [
        (_BPF_LD_W_ABS, 0, 0, _ARCH),
        (_BPF_JEQ_K, 1, 0, audit_arch),
        (_BPF_RET_K, 0, 0, deny),  # a foreign ABI: nothing here uses one
        (_BPF_LD_W_ABS, 0, 0, _NR),
    ]
    if machine == "x86_64":
        prog += [(_BPF_JSET_K, 0, 1, _X32_SYSCALL_BIT), (_BPF_RET_K, 0, 0, deny)]
    prog += [
        (_BPF_JEQ_K, 0, 1, nr_io_uring_setup),
        (_BPF_RET_K, 0, 0, deny),
        (_BPF_JEQ_K, 1, 0, nr_socket),
        (_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        # socket(domain, …): the kernel reads domain as an int, the low word of args[0]
        (_BPF_LD_W_ABS, 0, 0, _ARG0),
    ]
    n = len(_ALLOWED_FAMILIES)
    for i, family in enumerate(_ALLOWED_FAMILIES):
        prog.append((_BPF_JEQ_K, n - i, 0, int(family)))
    prog += [(_BPF_RET_K, 0, 0, deny), (_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW)]
    return prog


def _thread_count() -> int:
    """Threads of this process, native ones included (Python's count misses those)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


def block_network() -> bool:
    """Make this process (all its threads and future children) unable to open internet sockets.

    Returns True once the block is in place (also when it already was), False where the platform
    cannot do it (not Linux, an architecture the filter does not know, a kernel that refuses);
    callers then say so once. Never raises: a missing block is reported, not fatal.
    """
    global _installed
    if _installed:
        return True
    machine = _machine() if sys.platform.startswith("linux") else None
    if machine is None:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    insns = _program(machine)
    array = (_SockFilter * len(insns))(*(_SockFilter(*i) for i in insns))
    prog = _SockFprog(len(insns), array)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    nr_seccomp = _ARCHES[machine][3]
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    rc = syscall(
        ctypes.c_long(nr_seccomp),
        ctypes.c_ulong(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_ulong(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(prog),
    )
    if rc != 0:
        # No seccomp(2) (kernels before 3.17, some sandboxes): prctl filters only the calling
        # thread, which is enough only while it is the process's one thread.
        import threading

        if threading.active_count() != 1 or _thread_count() != 1:
            return False
        rc = libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0)
    if rc != 0:
        return False
    _installed = True
    return True


@functools.lru_cache(maxsize=1)
def network_block_supported() -> bool:
    """Whether :func:`block_network` works here, found by trying it in a throw-away child.

    The server asks this once at start-up (without blocking itself) so it can warn when its
    workers will run unblocked.
    """
    if not sys.platform.startswith("linux") or _machine() is None:
        return False
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            if block_network():
                import socket

                try:
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
                except PermissionError:
                    code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0
