"""pyACL's acl.op (single operators) over the host runtime: every function's value, checked against numpy or
against the attribute matching of the models `acl-async atc --singleop` builds (a binding that passed
another value or called another C function would match no model). Registers with test_pyacl_values'
@covers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_pyacl_values import covers  # noqa: E402

acl = pytest.importorskip("acl")

SUCCESS, INVALID_PARAM, OP_NOT_FOUND = 0, 100000, 100024
FLOAT, FLOAT16 = 0, 1
ND = 2
H2D, D2H = 1, 2

#: Relu with one attribute of each remaining type: only the values below match it.
TAGS = {
    "s": ("string", "abc"),
    "dt": ("data_type", 1),
    "i": ("int", -7),
    "f": ("float", 0.25),
    "lb": ("list_bool", [True, False]),
    "lf": ("list_float", [0.5, 1.25]),
    "ls": ("list_string", ["a", "b"]),
    "li": ("list_int", [3, -1]),
    "ldt": ("list_data_type", [0, 1]),
    "lli": ("list_list_int", [[1, 2], [3]]),
}


def tensor(shape: list[int], dtype: str = "float") -> dict[str, object]:
    return {"format": "ND", "shape": shape, "type": dtype}


OP_LIST = [
    {"op": "Add", "input_desc": [tensor([2, 5]), tensor([2, 5])], "output_desc": [tensor([2, 5])]},
    {"op": "Cast", "input_desc": [tensor([7])], "output_desc": [tensor([7], "float16")],
     "attr": [{"name": "truncate", "type": "bool", "value": False},
              {"name": "dst_type", "type": "int", "value": 1}]},
    {"op": "MatMul", "input_desc": [tensor([2, 3]), tensor([2, 3])], "output_desc": [tensor([2, 2])],
     "attr": [{"name": "transpose_x1", "type": "bool", "value": False},
              {"name": "transpose_x2", "type": "bool", "value": True}]},
    {"op": "Relu", "input_desc": [tensor([4])], "output_desc": [tensor([4])],
     "attr": [{"name": k, "type": t, "value": v} for k, (t, v) in TAGS.items()]},
]  # fmt: skip
LOADED = {"op": "Sub", "input_desc": [tensor([3]), tensor([3])], "output_desc": [tensor([3])]}


class Buf:
    """Device memory, its description and its data buffer."""

    def __init__(self, value: np.ndarray, acl_type: int = FLOAT) -> None:
        self.host = np.ascontiguousarray(value)
        self.size = self.host.nbytes
        self.ptr, ret = acl.rt.malloc(self.size, 0)
        assert ret == SUCCESS
        assert acl.rt.memcpy(self.ptr, self.size, acl.util.numpy_to_ptr(self.host), self.size, H2D) == SUCCESS
        self.desc = acl.create_tensor_desc(acl_type, list(self.host.shape), ND)
        self.buf = acl.create_data_buffer(self.ptr, self.size)

    def read(self) -> np.ndarray:
        out = np.empty_like(self.host)
        assert acl.rt.memcpy(acl.util.numpy_to_ptr(out), self.size, self.ptr, self.size, D2H) == SUCCESS
        return out


@pytest.fixture(scope="module")
def models(pyacl_stream, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pyacl_op")
    for name, ops in (("dir", OP_LIST), ("mem", [LOADED])):
        (folder / f"{name}.json").write_text(json.dumps(ops))
        r = subprocess.run([sys.executable, "-m", "acl_async", "atc", f"--singleop={folder / name}.json",
                            f"--output={folder / name}"], capture_output=True, text=True)  # fmt: skip
        assert r.returncode == 0, r.stderr
    acl.rt.set_context(pyacl_stream[0])
    assert acl.op.set_model_dir(str(folder / "dir")) == SUCCESS, acl.get_recent_err_msg()
    return folder


@covers("acl.op.set_model_dir", "acl.op.execute_v2", "acl.op.execute")
def test_execute_v2_and_execute_add(models, pyacl_stream):
    stream = pyacl_stream[1]
    rng = np.random.default_rng(0)
    a, b = (Buf(rng.normal(size=(2, 5)).astype(np.float32)) for _ in range(2))
    out = Buf(np.zeros((2, 5), np.float32))
    for run in (acl.op.execute_v2, acl.op.execute):
        ret = run("Add", [a.desc, b.desc], [a.buf, b.buf], [out.desc], [out.buf], 0, stream)
        assert ret == SUCCESS, acl.get_recent_err_msg()
        assert acl.rt.synchronize_stream(stream) == SUCCESS
        np.testing.assert_array_equal(out.read(), a.host + b.host)
        out.host[:] = 0
        assert acl.rt.memcpy(out.ptr, out.size, acl.util.numpy_to_ptr(out.host), out.size, H2D) == SUCCESS
    assert (
        acl.op.execute_v2("Add", [a.desc, b.desc], [a.buf], [out.desc], [out.buf], 0, stream) == INVALID_PARAM
    )


@covers("acl.op.load")
def test_load_from_memory(models, pyacl_stream):
    """A model only acl.op.load read (its folder was never given to set_model_dir) runs Sub."""
    stream = pyacl_stream[1]
    a, b = Buf(np.array([5, 6, 7], np.float32)), Buf(np.array([1, 2, 4], np.float32))
    out = Buf(np.zeros(3, np.float32))
    assert (
        acl.op.execute_v2("Sub", [a.desc, b.desc], [a.buf, b.buf], [out.desc], [out.buf], 0, stream)
        == OP_NOT_FOUND
    )
    data = next((models / "mem").glob("*.om")).read_bytes()
    assert acl.op.load(acl.util.bytes_to_ptr(data), len(data)) == SUCCESS, acl.get_recent_err_msg()
    assert (
        acl.op.execute_v2("Sub", [a.desc, b.desc], [a.buf, b.buf], [out.desc], [out.buf], 0, stream)
        == SUCCESS
    )
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_array_equal(out.read(), [4, 4, 3])


@covers("acl.op.create_attr", "acl.op.set_attr_bool", "acl.op.destroy_attr")
def test_bool_attributes_pick_the_transposed_matmul(models, pyacl_stream):
    stream = pyacl_stream[1]
    rng = np.random.default_rng(1)
    a, b = Buf(rng.normal(size=(2, 3)).astype(np.float32)), Buf(rng.normal(size=(2, 3)).astype(np.float32))
    out = Buf(np.zeros((2, 2), np.float32))
    attr = acl.op.create_attr()
    assert attr != 0
    assert acl.op.set_attr_bool(attr, "transpose_x2", 1) == SUCCESS
    assert (
        acl.op.execute_v2("MatMul", [a.desc, b.desc], [a.buf, b.buf], [out.desc], [out.buf], attr, stream)
        == 0
    )
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_allclose(out.read(), a.host @ b.host.T, rtol=1e-5, atol=1e-6)
    assert acl.op.set_attr_bool(attr, "transpose_x2", 0) == SUCCESS
    ret = acl.op.execute_v2("MatMul", [a.desc, b.desc], [a.buf, b.buf], [out.desc], [out.buf], attr, stream)
    assert ret == OP_NOT_FOUND
    acl.op.destroy_attr(attr)
    assert acl.op.set_attr_bool(attr, "transpose_x2", 1) == INVALID_PARAM  # no longer a live attribute


@covers(
    "acl.op.set_attr_int",
    "acl.op.set_attr_float",
    "acl.op.set_attr_string",
    "acl.op.set_attr_data_type",
    "acl.op.set_attr_list_bool",
    "acl.op.set_attr_list_float",
    "acl.op.set_attr_list_int",
    "acl.op.set_attr_list_string",
    "acl.op.set_attr_list_data_type",
    "acl.op.set_attr_list_list_int",
)
def test_each_attribute_setter_passes_its_value(models, pyacl_stream):
    """The Relu model matches only with every attribute at its list value: each setter gives the right one
    (Relu runs), then a wrong one (no model matches)."""
    stream = pyacl_stream[1]
    x, out = Buf(np.array([-1, 2, -3, 4], np.float32)), Buf(np.zeros(4, np.float32))
    setters = {
        "string": acl.op.set_attr_string,
        "data_type": acl.op.set_attr_data_type,
        "int": acl.op.set_attr_int,
        "float": acl.op.set_attr_float,
        "list_bool": acl.op.set_attr_list_bool,
        "list_float": acl.op.set_attr_list_float,
        "list_string": acl.op.set_attr_list_string,
        "list_int": acl.op.set_attr_list_int,
        "list_data_type": acl.op.set_attr_list_data_type,
        "list_list_int": acl.op.set_attr_list_list_int,
    }
    wrong = {"string": "abd", "data_type": 0, "int": 7, "float": 0.5, "list_bool": [True, True],
             "list_float": [0.5, 1.5], "list_string": ["a", "c"], "list_int": [3, 1],
             "list_data_type": [0, 3], "list_list_int": [[1, 2], [4]]}  # fmt: skip
    attr = acl.op.create_attr()
    for name, (kind, value) in TAGS.items():
        assert setters[kind](attr, name, value) == SUCCESS
    assert acl.op.execute_v2("Relu", [x.desc], [x.buf], [out.desc], [out.buf], attr, stream) == SUCCESS
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_array_equal(out.read(), [0, 2, 0, 4])
    for name, (kind, value) in TAGS.items():
        assert setters[kind](attr, name, wrong[kind]) == SUCCESS
        assert (
            acl.op.execute_v2("Relu", [x.desc], [x.buf], [out.desc], [out.buf], attr, stream) == OP_NOT_FOUND
        )
        assert f"attribute {name}=" in acl.get_recent_err_msg(), kind
        assert setters[kind](attr, name, value) == SUCCESS
    acl.op.destroy_attr(attr)


@covers("acl.op.create_handle", "acl.op.execute_with_handle", "acl.op.destroy_handle")
def test_handle(models, pyacl_stream):
    stream = pyacl_stream[1]
    a, b = Buf(np.full((2, 5), 2, np.float32)), Buf(np.arange(10, dtype=np.float32).reshape(2, 5))
    out = Buf(np.zeros((2, 5), np.float32))
    handle, ret = acl.op.create_handle("Add", [a.desc, b.desc], [out.desc], 0)
    assert ret == SUCCESS and handle != 0
    assert acl.op.execute_with_handle(handle, [a.buf, b.buf], [out.buf], stream) == SUCCESS
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_array_equal(out.read(), b.host + 2)
    acl.op.destroy_handle(handle)
    assert acl.op.execute_with_handle(handle, [a.buf, b.buf], [out.buf], stream) == INVALID_PARAM


@covers("acl.op.cast", "acl.op.create_handle_for_cast")
def test_cast(models, pyacl_stream):
    stream = pyacl_stream[1]
    x = Buf(np.linspace(-3, 3, 7).astype(np.float32) / 7)
    y = Buf(np.zeros(7, np.float16), FLOAT16)
    assert acl.op.cast(x.desc, x.buf, y.desc, y.buf, 0, stream) == SUCCESS, acl.get_recent_err_msg()
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    np.testing.assert_array_equal(y.read(), x.host.astype(np.float16))
    handle, ret = acl.op.create_handle_for_cast(x.desc, y.desc, 0)
    assert ret == SUCCESS and handle != 0
    handle2, ret = acl.op.create_handle_for_cast(x.desc, y.desc, 1)  # truncate = true: not what was built
    assert ret == OP_NOT_FOUND and handle2 == 0
    acl.op.destroy_handle(handle)


@covers("acl.op.set_max_op_queue_num")
def test_set_max_op_queue_num():
    assert acl.op.set_max_op_queue_num(16) == SUCCESS
    assert acl.op.set_max_op_queue_num(0) == INVALID_PARAM
