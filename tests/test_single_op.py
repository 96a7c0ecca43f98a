"""Single operators (acl/acl_op.h) on the host runtime: `acl-async atc --singleop=op_list.json` writes one
.om per operator, aclopSetModelDir loads them, and aclopExecuteV2 / aclopCast / handles run the model
compiled for the call's tensor descriptions and attributes on the stream, ordered with its other tasks.
The C functions are called through ctypes (pyACL makes the memory, descriptions and buffers); every
result is compared with numpy doing the same operation."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

acl = pytest.importorskip("acl")

SUCCESS, INVALID_PARAM, OP_NOT_FOUND, API_NOT_SUPPORT = 0, 100000, 100024, 200001
FLOAT, FLOAT16, INT8, INT32 = 0, 1, 2, 3
TRANS_N, TRANS_T = 0, 1
ND = 2
H2D, D2H = 1, 2
P = ctypes.c_void_p

OP_LIST = [
    {"op": "Cast", "input_desc": [{"format": "ND", "shape": [4, 8], "type": "float"}],
     "output_desc": [{"format": "ND", "shape": [4, 8], "type": "float16"}],
     "attr": [{"name": "truncate", "type": "bool", "value": False},
              {"name": "dst_type", "type": "int", "value": 1}]},
    {"op": "ArgMaxV2", "input_desc": [{"format": "ND", "shape": [6, 50], "type": "float"},
                                      {"format": "ND", "shape": [1], "type": "int32", "is_const": True,
                                       "const_value": [1]}],
     "output_desc": [{"format": "ND", "shape": [6], "type": "int32"}]},
    {"op": "MatMul", "input_desc": [{"format": "ND", "shape": [5, 3], "type": "float"},
                                    {"format": "ND", "shape": [5, 4], "type": "float"}],
     "output_desc": [{"format": "ND", "shape": [3, 4], "type": "float"}],
     "attr": [{"name": "transpose_x1", "type": "bool", "value": True},
              {"name": "transpose_x2", "type": "bool", "value": False}]},
    {"op": "Add", "input_desc": [{"format": "ND", "shape": [2, 3], "type": "float"},
                                 {"format": "ND", "shape": [3], "type": "float"}],
     "output_desc": [{"format": "ND", "shape": [2, 3], "type": "float"}]},
    {"op": "Conv2D", "input_desc": [{"format": "NHWC", "shape": [1, 7, 6, 2], "type": "float"},
                                    {"format": "NCHW", "shape": [3, 2, 3, 3], "type": "float"}],
     "output_desc": [{"format": "NHWC", "shape": [1, 4, 3, 3], "type": "float"}],
     "attr": [{"name": "strides", "type": "list_int", "value": [1, 2, 2, 1]},
              {"name": "pads", "type": "list_int", "value": [1, 1, 1, 1]},
              {"name": "dilations", "type": "list_int", "value": [1, 1, 1, 1]}]},
    {"op": "GEMM", "input_desc": [{"format": "ND", "shape": [3, 4], "type": "float16"},
                                  {"format": "ND", "shape": [3, 5], "type": "float16"},
                                  {"format": "ND", "shape": [4, 5], "type": "float16"},
                                  {"format": "ND", "shape": [], "type": "float16"},
                                  {"format": "ND", "shape": [], "type": "float16"}],
     "output_desc": [{"format": "ND", "shape": [4, 5], "type": "float16"}],
     "attr": [{"name": "transpose_a", "type": "bool", "value": True},
              {"name": "transpose_b", "type": "bool", "value": False}]},
    {"op": "GEMM", "input_desc": [{"format": "ND", "shape": [2, 3], "type": "int8"},
                                  {"format": "ND", "shape": [3, 2], "type": "int8"},
                                  {"format": "ND", "shape": [2, 2], "type": "int32"},
                                  {"format": "ND", "shape": [], "type": "int32"},
                                  {"format": "ND", "shape": [], "type": "int32"}],
     "output_desc": [{"format": "ND", "shape": [2, 2], "type": "int32"}]},
]  # fmt: skip


def atc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "acl_async", "atc", *args], capture_output=True, text=True)


class Ops:
    """libascendcl's aclop* functions."""

    def __init__(self) -> None:
        self.lib = ctypes.CDLL(acl._library_path())
        sigs = {
            "aclopSetModelDir": [ctypes.c_char_p],
            "aclopCreateAttr": [],
            "aclopSetAttrBool": [P, ctypes.c_char_p, ctypes.c_uint8],
            "aclopExecuteV2": [ctypes.c_char_p, ctypes.c_int, P, P, ctypes.c_int, P, P, P, P],
            "aclopCast": [P, P, P, P, ctypes.c_uint8, P],
            "aclopCreateHandle": [ctypes.c_char_p, ctypes.c_int, P, ctypes.c_int, P, P, P],
            "aclopExecWithHandle": [P, ctypes.c_int, P, ctypes.c_int, P, P],
            "aclopCreateKernel": [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, P, ctypes.c_int,
                                  ctypes.c_int, P],
        }  # fmt: skip
        for name, args in sigs.items():
            getattr(self.lib, name).argtypes = args
            getattr(self.lib, name).restype = P if name == "aclopCreateAttr" else ctypes.c_int
        self.lib.aclopDestroyAttr.argtypes = [P]
        self.lib.aclopDestroyHandle.argtypes = [P]

    def execute(self, op: str, ins: list[tuple[int, int]], outs: list[tuple[int, int]], stream: int,
                attr: int | None = None) -> int:  # fmt: skip
        """ins/outs: (tensor desc, data buffer) pairs."""

        def arr(xs: list[int]) -> ctypes.Array:
            return (P * max(len(xs), 1))(*xs)

        in_descs, in_bufs = arr([d for d, _ in ins]), arr([b for _, b in ins])
        out_descs, out_bufs = arr([d for d, _ in outs]), arr([b for _, b in outs])
        n_in, n_out = len(ins), len(outs)
        run = self.lib.aclopExecuteV2
        return run(op.encode(), n_in, in_descs, in_bufs, n_out, out_descs, out_bufs, attr, stream)


@pytest.fixture(scope="module")
def ops(pyacl_stream, tmp_path_factory) -> Ops:
    folder = tmp_path_factory.mktemp("singleop")
    (folder / "op_list.json").write_text(json.dumps(OP_LIST))
    r = atc(
        f"--singleop={folder / 'op_list.json'}", f"--output={folder / 'op_models'}", "--soc_version=Ascend310"
    )
    assert r.returncode == 0, r.stderr
    assert len(list((folder / "op_models").glob("*.om"))) == len(OP_LIST)
    acl.rt.set_context(pyacl_stream[0])
    o = Ops()
    assert o.lib.aclopSetModelDir(str(folder / "op_models").encode()) == SUCCESS, acl.get_recent_err_msg()
    return o


class Tensor:
    """Device memory with its tensor description and data buffer (pyACL)."""

    def __init__(
        self, dtype: int, shape: tuple[int, ...], np_type: type, value: np.ndarray | None = None
    ) -> None:
        self.shape, self.np_type = shape, np_type
        self.size = int(np.prod(shape)) * np.dtype(np_type).itemsize
        self.ptr, ret = acl.rt.malloc(self.size, 0)
        assert ret == SUCCESS
        self.desc = acl.create_tensor_desc(dtype, list(shape), ND)
        self.buf = acl.create_data_buffer(self.ptr, self.size)
        if value is not None:
            self.write(value)

    def write(self, value: np.ndarray) -> None:
        host = np.ascontiguousarray(value.astype(self.np_type))
        assert acl.rt.memcpy(self.ptr, self.size, acl.util.numpy_to_ptr(host), self.size, H2D) == SUCCESS

    def read(self) -> np.ndarray:
        host = np.empty(self.shape, self.np_type)
        assert acl.rt.memcpy(acl.util.numpy_to_ptr(host), self.size, self.ptr, self.size, D2H) == SUCCESS
        return host

    @property
    def pair(self) -> tuple[int, int]:
        return self.desc, self.buf


def test_cast_equals_numpy_and_runs_in_stream_order(ops, pyacl_stream):
    """aclopCast float32 -> float16 between two async copies on the stream: the cast reads what the first
    copy wrote and the second copy reads what the cast wrote (one synchronize at the end)."""
    stream = pyacl_stream[1]
    x = np.random.default_rng(0).normal(size=(4, 8)).astype(np.float32) * 100
    src, dst = Tensor(FLOAT, (4, 8), np.float32), Tensor(FLOAT16, (4, 8), np.float16)
    host_in, host_out = x.copy(), np.zeros((4, 8), np.float16)
    assert acl.rt.memcpy_async(src.ptr, src.size, acl.util.numpy_to_ptr(host_in), src.size, H2D, stream) == 0
    assert ops.lib.aclopCast(src.desc, src.buf, dst.desc, dst.buf, 0, stream) == SUCCESS, (
        acl.get_recent_err_msg()
    )
    assert acl.rt.memcpy_async(acl.util.numpy_to_ptr(host_out), dst.size, dst.ptr, dst.size, D2H, stream) == 0
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_array_equal(host_out, x.astype(np.float16))


def test_argmax_with_a_constant_input(ops, pyacl_stream):
    """ArgMaxV2 as Huawei's samples call it: the axis input is a constant description (aclSetTensorConst)
    with an empty data buffer; another constant value matches no model."""
    stream = pyacl_stream[1]
    x = np.random.default_rng(1).normal(size=(6, 50)).astype(np.float32)
    src, out = Tensor(FLOAT, (6, 50), np.float32, x), Tensor(INT32, (6,), np.int32)
    axis = acl.create_tensor_desc(INT32, [1], ND)
    value = np.array([1], np.int32)
    assert acl.set_tensor_const(axis, acl.util.numpy_to_ptr(value), 4) == SUCCESS
    empty = acl.create_data_buffer(0, 0)
    ret = ops.execute("ArgMaxV2", [src.pair, (axis, empty)], [out.pair], stream)
    assert ret == SUCCESS, acl.get_recent_err_msg()
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_array_equal(out.read(), x.argmax(axis=1))
    other = acl.create_tensor_desc(INT32, [1], ND)
    zero = np.array([0], np.int32)
    assert acl.set_tensor_const(other, acl.util.numpy_to_ptr(zero), 4) == SUCCESS
    assert ops.execute("ArgMaxV2", [src.pair, (other, empty)], [out.pair], stream) == OP_NOT_FOUND
    assert "input 1: constant value" in acl.get_recent_err_msg()


def test_matmul_attributes_choose_the_model(ops, pyacl_stream):
    """MatMul with transpose_x1 = true (the list's value) computes a.T @ b; transpose_x1 = false matches
    no loaded model (ACL_ERROR_OP_NOT_FOUND naming the attribute)."""
    stream = pyacl_stream[1]
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(5, 3)).astype(np.float32), rng.normal(size=(5, 4)).astype(np.float32)
    ta, tb, out = (
        Tensor(FLOAT, (5, 3), np.float32, a),
        Tensor(FLOAT, (5, 4), np.float32, b),
        Tensor(FLOAT, (3, 4), np.float32),
    )
    attr = ops.lib.aclopCreateAttr()
    assert ops.lib.aclopSetAttrBool(attr, b"transpose_x1", 1) == SUCCESS
    assert ops.execute("MatMul", [ta.pair, tb.pair], [out.pair], stream, attr) == SUCCESS, (
        acl.get_recent_err_msg()
    )
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_allclose(out.read(), a.T @ b, rtol=1e-5, atol=1e-5)
    assert ops.lib.aclopSetAttrBool(attr, b"transpose_x1", 0) == SUCCESS
    assert ops.execute("MatMul", [ta.pair, tb.pair], [out.pair], stream, attr) == OP_NOT_FOUND
    assert "attribute transpose_x1=b:0" in acl.get_recent_err_msg()
    ops.lib.aclopDestroyAttr(attr)


def test_conv2d_nhwc_with_strides_and_pads(ops, pyacl_stream):
    """Conv2D as acl_execute_conv2d lists it: NHWC x, NCHW (OIHW) filter, strides in NHWC order (2 on H and
    W), pads [top, bottom, left, right]; NHWC out equal to a numpy convolution."""
    stream = pyacl_stream[1]
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(1, 7, 6, 2)).astype(np.float32), rng.normal(size=(3, 2, 3, 3)).astype(np.float32)
    tx, tw, out = (
        Tensor(FLOAT, x.shape, np.float32, x),
        Tensor(FLOAT, w.shape, np.float32, w),
        Tensor(FLOAT, (1, 4, 3, 3), np.float32),
    )
    assert ops.execute("Conv2D", [tx.pair, tw.pair], [out.pair], stream) == SUCCESS, acl.get_recent_err_msg()
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    want = np.zeros((1, 4, 3, 3), np.float32)
    for i in range(4):
        for j in range(3):
            patch = xp[0, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3, :]  # kh, kw, c
            want[0, i, j] = np.einsum("hwc,ochw->o", patch, w)
    np.testing.assert_allclose(out.read(), want, rtol=1e-5, atol=1e-5)


def test_blas_gemm_runs_the_gemm_model(ops, pyacl_stream):
    """aclblasGemmEx (float16, A transposed) and aclblasS8gemm (int8 -> int32) compute C = alpha op(A) B +
    beta C in place through the GEMM models of the list; the same call with A not transposed matches none."""
    stream = pyacl_stream[1]
    Int, P = ctypes.c_int, ctypes.c_void_p
    gemm_ex = ops.lib.aclblasGemmEx
    gemm_ex.argtypes = [Int, Int, Int, Int, Int, Int, P, P, Int, Int, P, Int, Int, P, P, Int, Int, Int, P]
    rng = np.random.default_rng(4)
    a, b = rng.random((3, 4)).astype(np.float16), rng.random((3, 5)).astype(np.float16)
    c = rng.random((4, 5)).astype(np.float16)
    ta, tb, tc = (Tensor(FLOAT16, v.shape, np.float16, v) for v in (a, b, c))
    alpha, beta = (
        Tensor(FLOAT16, (), np.float16, np.float16(2)),
        Tensor(FLOAT16, (), np.float16, np.float16(0.5)),
    )
    args = [
        4,
        5,
        3,
        alpha.ptr,
        ta.ptr,
        -1,
        FLOAT16,
        tb.ptr,
        -1,
        FLOAT16,
        beta.ptr,
        tc.ptr,
        -1,
        FLOAT16,
        0,
        stream,
    ]
    assert gemm_ex(TRANS_T, TRANS_N, TRANS_N, *args) == SUCCESS, acl.get_recent_err_msg()
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    want = (2 * (a.astype(np.float32).T @ b.astype(np.float32)) + 0.5 * c.astype(np.float32)).astype(
        np.float16
    )
    np.testing.assert_allclose(tc.read().astype(np.float32), want.astype(np.float32), rtol=2e-3)
    assert gemm_ex(TRANS_N, TRANS_N, TRANS_N, *args) == OP_NOT_FOUND
    s8 = ops.lib.aclblasS8gemm
    s8.argtypes = [Int, Int, Int, Int, Int, Int, P, P, Int, P, Int, P, P, Int, Int, P]
    x, y = rng.integers(-128, 128, (2, 3)).astype(np.int8), rng.integers(-128, 128, (3, 2)).astype(np.int8)
    z = rng.integers(-1000, 1000, (2, 2)).astype(np.int32)
    tx, ty, tz = (
        Tensor(INT8, (2, 3), np.int8, x),
        Tensor(INT8, (3, 2), np.int8, y),
        Tensor(INT32, (2, 2), np.int32, z),
    )
    one, three = Tensor(INT32, (), np.int32, np.int32(1)), Tensor(INT32, (), np.int32, np.int32(3))
    ret = s8(
        TRANS_N, TRANS_N, TRANS_N, 2, 2, 3, three.ptr, tx.ptr, -1, ty.ptr, -1, one.ptr, tz.ptr, -1, 0, stream
    )
    assert ret == SUCCESS, acl.get_recent_err_msg()
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_array_equal(tz.read(), 3 * (x.astype(np.int32) @ y.astype(np.int32)) + z)


def test_handle_runs_the_matched_model(ops, pyacl_stream):
    """aclopCreateHandle matches once; aclopExecWithHandle then runs Add (with broadcasting) per call."""
    stream = pyacl_stream[1]
    x, y = np.arange(6, dtype=np.float32).reshape(2, 3), np.array([10, 20, 30], np.float32)
    tx, ty, out = (
        Tensor(FLOAT, (2, 3), np.float32, x),
        Tensor(FLOAT, (3,), np.float32, y),
        Tensor(FLOAT, (2, 3), np.float32),
    )
    handle = P()
    ins, outs = (P * 2)(tx.desc, ty.desc), (P * 1)(out.desc)
    assert ops.lib.aclopCreateHandle(b"Add", 2, ins, 1, outs, None, ctypes.byref(handle)) == SUCCESS
    for k in range(2):
        tx.write(x * (k + 1))
        bufs = (P * 2)(tx.buf, ty.buf)
        assert ops.lib.aclopExecWithHandle(handle, 2, bufs, 1, (P * 1)(out.buf), stream) == SUCCESS
        assert acl.rt.synchronize_stream(stream) == SUCCESS
        np.testing.assert_array_equal(out.read(), x * (k + 1) + y)
    ops.lib.aclopDestroyHandle(handle)


def test_errors_name_what_is_wrong(ops, pyacl_stream):
    """A type no model was built for, an output buffer smaller than the operator writes, a custom kernel:
    each the documented code with a message, nothing queued."""
    stream = pyacl_stream[1]
    x = Tensor(FLOAT, (2, 3), np.float32, np.ones((2, 3)))
    y = Tensor(FLOAT, (3,), np.float32, np.ones(3))
    assert ops.execute("Sub", [x.pair, y.pair], [x.pair], stream) == OP_NOT_FOUND
    assert "no loaded single-operator model matches Sub" in acl.get_recent_err_msg()
    small = acl.create_data_buffer(x.ptr, 8)
    assert ops.execute("Add", [x.pair, y.pair], [(x.desc, small)], stream) == INVALID_PARAM
    assert "output 0 of Add" in acl.get_recent_err_msg()
    assert ops.lib.aclopCreateKernel(b"Add", b"k", b"k", None, 0, 0, None) == API_NOT_SUPPORT
    assert acl.rt.synchronize_stream(stream) == SUCCESS


def test_atc_singleop_bad_lists_are_one_line_errors(tmp_path):
    """An unknown operator type, a dynamic shape or a file that is not JSON: exit 2, one line, and no
    .om written."""
    cases = {
        "unknown": [{"op": "NoSuchOp", "input_desc": [], "output_desc": [{"shape": [1], "type": "float"}]}],
        "dynamic": [{"op": "Relu", "input_desc": [{"shape": [-1, 3], "type": "float"}],
                     "output_desc": [{"shape": [-1, 3], "type": "float"}]}],
    }  # fmt: skip
    for name, doc in cases.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(doc))
    (tmp_path / "broken.json").write_text("[{")
    for name, want in (("unknown", "'NoSuchOp' is not one the host runs"), ("dynamic", "dynamic shapes"),
                       ("broken", "is not JSON")):  # fmt: skip
        r = atc(f"--singleop={tmp_path / name}.json", f"--output={tmp_path / name}")
        assert r.returncode == 2 and want in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert not Path(tmp_path / name).exists()


FINALIZE_SCRIPT = r"""
import sys, acl, numpy as np
folder = sys.argv[1]
def add_once():
    assert acl.rt.set_device(0) == 0
    stream, _ = acl.rt.create_stream()
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    ptrs = []
    for v in (x, x[0]):
        p, _ = acl.rt.malloc(v.nbytes, 0)
        acl.rt.memcpy(p, v.nbytes, acl.util.numpy_to_ptr(np.ascontiguousarray(v)), v.nbytes, 1)
        ptrs.append((acl.create_tensor_desc(0, list(v.shape), 2), acl.create_data_buffer(p, v.nbytes)))
    out, _ = acl.rt.malloc(x.nbytes, 0)
    od, ob = acl.create_tensor_desc(0, [2, 3], 2), acl.create_data_buffer(out, x.nbytes)
    ret = acl.op.execute_v2("Add", [d for d, _ in ptrs], [b for _, b in ptrs], [od], [ob], 0, stream)
    return ret, acl.rt.synchronize_stream(stream)
assert acl.init() == 0
assert acl.op.set_model_dir(folder) == 0
print("before", add_once())
assert acl.finalize() == 0 and acl.init() == 0
print("after", add_once())
"""


def test_finalize_drops_the_loaded_operators(ops, tmp_path_factory):
    """aclFinalize releases the loaded single-operator models (and their compiled graphs): after a new aclInit
    the same call finds none (ACL_ERROR_OP_NOT_FOUND) until they are loaded again."""
    folder = next(p for p in tmp_path_factory.getbasetemp().glob("singleop*/op_models"))
    r = subprocess.run([sys.executable, "-c", FINALIZE_SCRIPT, str(folder)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "before (0, 0)" in r.stdout and f"after ({OP_NOT_FOUND}, 0)" in r.stdout, r.stdout
