"""Strict mode, one set of rules: a misuse gives the same error code through pyACL as through the C API.

pyACL passes pointers and handles on to the C function, whose own strict-mode checks judge them (ranges
and kinds of ACL memory, freed or unknown allocations, destroyed handles). pyACL refuses by itself only what
the C runtime would take on trust and touch: a host pointer no ACL call or bytes_to_ptr/numpy_to_ptr
produced (100000), a Python buffer overrun or a range reaching into ACL memory from outside it (107000, the
C code for overruns). The C side is called through ctypes on the same libascendcl, in the same process.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import pytest

acl = pytest.importorskip("acl")

SUCCESS = 0
INVALID_PARAM = 100000
RT_PARAM_INVALID = 107000
RT_INVALID_MEMORY_TYPE = 107016
H2D, D2H, D2D = 1, 2, 3

pytestmark = pytest.mark.skipif(
    acl.__backend__ != "host" or not acl._strict(), reason="strict mode of the host runtime"
)


@pytest.fixture(scope="module")
def lib():
    assert acl.init() in (SUCCESS, 100002)
    assert acl.rt.set_device(0) == SUCCESS
    c = ctypes.CDLL(acl._library_path())
    vp, sz = ctypes.c_void_p, ctypes.c_size_t
    sigs = {
        "aclrtMalloc": [ctypes.POINTER(vp), sz, ctypes.c_int],
        "aclrtMallocHost": [ctypes.POINTER(vp), sz],
        "aclrtFree": [vp],
        "aclrtFreeHost": [vp],
        "aclrtMemset": [vp, sz, ctypes.c_int32, sz],
        "aclrtMemcpy": [vp, sz, vp, sz, ctypes.c_int],
        "aclrtCreateStream": [ctypes.POINTER(vp)],
        "aclrtDestroyStream": [vp],
        "aclmdlCreateDataset": [],
        "aclmdlDestroyDataset": [vp],
        "aclCreateDataBuffer": [vp, sz],
        "aclDestroyDataBuffer": [vp],
        "aclrtMemFlush": [vp, sz],
    }
    for name, args in sigs.items():
        fn = getattr(c, name)
        fn.argtypes = args
        fn.restype = vp if name.startswith(("aclmdlCreate", "aclCreate")) else ctypes.c_int
    return c


class Side:
    """One way to call ACL: through pyACL or straight through the C API."""

    def __init__(self, lib, py: bool):
        self.lib, self.py = lib, py

    def malloc(self, size: int) -> int:
        if self.py:
            p, ret = acl.rt.malloc(size, 0)
        else:
            out = ctypes.c_void_p()
            ret = self.lib.aclrtMalloc(ctypes.byref(out), size, 0)
            p = out.value
        assert ret == SUCCESS
        return p

    def malloc_host(self, size: int) -> int:
        if self.py:
            p, ret = acl.rt.malloc_host(size)
        else:
            out = ctypes.c_void_p()
            ret = self.lib.aclrtMallocHost(ctypes.byref(out), size)
            p = out.value
        assert ret == SUCCESS
        return p

    def free(self, p: int) -> int:
        return acl.rt.free(p) if self.py else self.lib.aclrtFree(p)

    def free_host(self, p: int) -> int:
        return acl.rt.free_host(p) if self.py else self.lib.aclrtFreeHost(p)

    def memset(self, p: int, max_count: int, value: int, count: int) -> int:
        return (
            acl.rt.memset(p, max_count, value, count)
            if self.py
            else self.lib.aclrtMemset(p, max_count, value, count)
        )

    def memcpy(self, dst: int, dest_max: int, src: int, count: int, kind: int) -> int:
        if self.py:
            return acl.rt.memcpy(dst, dest_max, src, count, kind)
        return self.lib.aclrtMemcpy(dst, dest_max, src, count, kind)

    def mem_flush(self, p: int, size: int) -> int:
        return acl.rt.mem_flush(p, size) if self.py else self.lib.aclrtMemFlush(p, size)

    def stream(self) -> int:
        if self.py:
            s, ret = acl.rt.create_stream()
        else:
            out = ctypes.c_void_p()
            ret = self.lib.aclrtCreateStream(ctypes.byref(out))
            s = out.value
        assert ret == SUCCESS
        return s

    def destroy_stream(self, s: int) -> int:
        return acl.rt.destroy_stream(s) if self.py else self.lib.aclrtDestroyStream(s)

    def dataset(self) -> int:
        return acl.mdl.create_dataset() if self.py else self.lib.aclmdlCreateDataset()

    def destroy_dataset(self, d: int) -> int:
        return acl.mdl.destroy_dataset(d) if self.py else self.lib.aclmdlDestroyDataset(d)

    def buffer(self, p: int, size: int) -> int:
        return acl.create_data_buffer(p, size) if self.py else self.lib.aclCreateDataBuffer(p, size)

    def destroy_buffer(self, b: int) -> int:
        return acl.destroy_data_buffer(b) if self.py else self.lib.aclDestroyDataBuffer(b)


def double_free(s: Side) -> list[int]:
    p = s.malloc(64)
    return [s.free(p), s.free(p)]


def free_inside(s: Side) -> list[int]:
    p = s.malloc(64)
    return [s.free(p + 8), s.free(p)]


def free_unknown(s: Side) -> list[int]:
    return [s.free(0xDEAD000), s.free_host(0xDEAD000)]


def free_wrong_kind(s: Side) -> list[int]:
    d, h = s.malloc(64), s.malloc_host(64)
    return [s.free(h), s.free_host(d), s.free(d), s.free_host(h)]


def double_free_host(s: Side) -> list[int]:
    h = s.malloc_host(64)
    return [s.free_host(h), s.free_host(h)]


def memset_overruns(s: Side) -> list[int]:
    p = s.malloc(64)
    return [s.memset(p, 65, 0, 65), s.memset(p + 32, 64, 0, 64), s.memset(p, 64, 1, 64), s.free(p)]


def memcpy_rules(s: Side) -> list[int]:
    d, e, h = s.malloc(64), s.malloc(32), s.malloc_host(64)
    codes = [
        s.memcpy(d, 64, h, 64, H2D),
        s.memcpy(d, 128, h, 128, H2D),  # src and dst overrun
        s.memcpy(d + 48, 64, h, 32, H2D),  # dst overruns
        s.memcpy(h, 64, d, 64, H2D),  # kinds swapped
        s.memcpy(d, 64, e, 64, D2D),  # src overruns
        s.memcpy(h, 64, d, 64, D2H),
    ]
    return codes + [s.free(d), s.free(e), s.free_host(h)]


def flush_rules(s: Side) -> list[int]:
    d = s.malloc(64)
    return [s.mem_flush(d, 64), s.mem_flush(d, 65), s.mem_flush(0xDEAD000, 8), s.free(d)]


def destroyed_handles(s: Side) -> list[int]:
    st, ds = s.stream(), s.dataset()
    buf = s.buffer(0, 0)
    return [
        s.destroy_stream(st),
        s.destroy_stream(st),
        s.destroy_dataset(ds),
        s.destroy_dataset(ds),
        s.destroy_buffer(buf),
        s.destroy_buffer(buf),
        s.destroy_buffer(0x42),
    ]


CASES: list[Callable[[Side], list[int]]] = [
    double_free,
    free_inside,
    free_unknown,
    free_wrong_kind,
    double_free_host,
    memset_overruns,
    memcpy_rules,
    flush_rules,
    destroyed_handles,
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_pyacl_gives_the_c_apis_codes(lib, case):
    via_c = case(Side(lib, py=False))
    via_pyacl = case(Side(lib, py=True))
    assert via_pyacl == via_c
    assert any(code != SUCCESS for code in via_c)  # each case is a misuse somewhere


def test_the_double_free_of_issue_19(lib):
    assert double_free(Side(lib, py=True)) == [SUCCESS, RT_PARAM_INVALID]


def test_ranges_reaching_into_acl_memory_from_outside_are_refused():
    """p-16 and p+64 on a 64-byte block (issue #18 item 7): 107000, the C code for overruns, before any C code
    writes outside the block. (The C API's own aclrtMemset check for this case is the host runtime's.)"""
    p, ret = acl.rt.malloc(64, 0)
    q, _ = acl.rt.malloc(64, 0)
    assert ret == SUCCESS
    assert acl.rt.memset(p - 16, 64, 0, 64) == RT_PARAM_INVALID
    assert "from outside it" in acl.get_recent_err_msg()
    assert acl.rt.memset(p + 64, 64, 0, 64) in (RT_PARAM_INVALID, INVALID_PARAM)
    assert acl.rt.free(p) == SUCCESS and acl.rt.free(q) == SUCCESS


def test_host_pointers_the_runtime_cannot_judge_are_refused_by_pyacl():
    """The C runtime takes memory it did not allocate for the caller's host memory; from Python an int
    nobody handed out would be touched, so pyACL refuses it (100000)."""
    d, _ = acl.rt.malloc(64, 0)
    assert acl.rt.memcpy(d, 64, 0x1000, 64, H2D) == INVALID_PARAM
    assert "0x1000 is not memory an ACL call handed out" in acl.get_recent_err_msg()
    data = bytes(range(64))
    assert acl.rt.memcpy(d, 64, acl.util.bytes_to_ptr(data), 64, H2D) == SUCCESS
    assert acl.rt.memcpy(d, 64, acl.util.bytes_to_ptr(data) + 8, 64, H2D) == RT_PARAM_INVALID
    out = bytearray(64)
    assert acl.rt.memcpy(acl.util.bytes_to_ptr(out), 64, d, 64, D2H) == SUCCESS
    assert bytes(out) == data
    assert acl.rt.memset(0x1000, 8, 0, 8) == INVALID_PARAM
    assert acl.mdl.load_from_mem(0x1000, 64)[1] == INVALID_PARAM
    assert acl.rt.free(d) == SUCCESS
    assert acl.rt.memcpy(acl.util.bytes_to_ptr(out), 64, d, 64, D2H) == INVALID_PARAM  # freed
