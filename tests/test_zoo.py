"""The torch-free weight reader, the EfficientNet-Lite0 converter, the model cache and labels."""

from __future__ import annotations

import os
import pickle
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from acl_async import zoo
from acl_async.labels import labels_beside_model, load_labels
from acl_async.preprocess import METADATA_KEY, PreprocessSpec, load_picture
from acl_async.zoo import efficientnet_lite
from acl_async.zoo.torch_legacy import MAGIC_NUMBER, LegacyFormatError, load_legacy_state_dict

# -- a tiny legacy checkpoint written opcode by opcode (no torch needed) --------------------------


def _str(s: str) -> bytes:
    raw = s.encode()
    return pickle.BINUNICODE + struct.pack("<I", len(raw)) + raw


def _int(i: int) -> bytes:
    return pickle.BININT + struct.pack("<i", i)


def _ints(values: tuple[int, ...]) -> bytes:
    return pickle.MARK + b"".join(_int(v) for v in values) + pickle.TUPLE


def _global(module: str, name: str) -> bytes:
    return pickle.GLOBAL + f"{module}\n{name}\n".encode()


def _tensor(storage: str, key: str, numel: int, offset: int, size: tuple[int, ...], stride: tuple[int, ...]):
    pid = (
        pickle.MARK
        + _str("storage")
        + _global("torch", storage)
        + _str(key)
        + _str("cpu")
        + _int(numel)
        + pickle.NONE
        + pickle.TUPLE
        + pickle.BINPERSID
    )
    hooks = _global("collections", "OrderedDict") + pickle.EMPTY_TUPLE + pickle.REDUCE
    args = (
        pickle.MARK
        + pid
        + _int(offset)
        + _ints(size)
        + _ints(stride)
        + pickle.NEWFALSE
        + hooks
        + pickle.TUPLE
    )
    return _global("torch._utils", "_rebuild_tensor_v2") + args + pickle.REDUCE


def _legacy_file(path: Path, state_pickle: bytes, storages: list[tuple[str, np.ndarray]]) -> Path:
    with path.open("wb") as f:
        f.write(pickle.dumps(MAGIC_NUMBER, protocol=2))
        f.write(pickle.dumps(1001, protocol=2))
        f.write(pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2))
        f.write(state_pickle)
        f.write(pickle.dumps([key for key, _ in storages], protocol=2))
        for _, data in storages:
            f.write(struct.pack("<q", data.size))
            f.write(data.astype(data.dtype.newbyteorder("<")).tobytes())
    return path


def _state_dict_pickle(entries: list[tuple[str, bytes]]) -> bytes:
    body = b"".join(_str(name) + tensor for name, tensor in entries)
    od = _global("collections", "OrderedDict") + pickle.EMPTY_TUPLE + pickle.REDUCE
    return pickle.PROTO + b"\x02" + od + pickle.MARK + body + pickle.SETITEMS + pickle.STOP


def test_legacy_reader_honours_size_stride_offset_and_shared_storage(tmp_path) -> None:
    floats = np.arange(12, dtype=np.float32)
    longs = np.array([7, -8, 9], dtype=np.int64)
    state = _state_dict_pickle(
        [
            ("matrix", _tensor("FloatStorage", "0", 12, 0, (3, 4), (4, 1))),
            ("transposed", _tensor("FloatStorage", "0", 12, 0, (4, 3), (1, 4))),
            ("tail", _tensor("FloatStorage", "0", 12, 10, (2,), (1,))),
            ("longs", _tensor("LongStorage", "1", 3, 0, (3,), (1,))),
        ]
    )
    path = _legacy_file(tmp_path / "tiny.pth", state, [("0", floats), ("1", longs)])
    sd = load_legacy_state_dict(path)
    assert list(sd) == ["matrix", "transposed", "tail", "longs"]
    np.testing.assert_array_equal(sd["matrix"], floats.reshape(3, 4))
    np.testing.assert_array_equal(sd["transposed"], floats.reshape(3, 4).T)
    assert sd["transposed"].flags.c_contiguous
    np.testing.assert_array_equal(sd["tail"], [10.0, 11.0])
    assert sd["longs"].dtype == np.int64 and sd["longs"].tolist() == [7, -8, 9]


def test_legacy_reader_rejects_tensor_past_its_storage(tmp_path) -> None:
    state = _state_dict_pickle([("w", _tensor("FloatStorage", "0", 4, 2, (3,), (1,)))])
    path = _legacy_file(tmp_path / "bad.pth", state, [("0", np.zeros(4, np.float32))])
    with pytest.raises(LegacyFormatError, match="past its storage"):
        load_legacy_state_dict(path)


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("where", ["state", "header"])
def test_legacy_reader_rejects_malicious_pickle_without_running_it(tmp_path, where) -> None:
    marker = tmp_path / "pwned"
    evil = pickle.dumps({"w": _Evil(marker)}, protocol=2)
    path = tmp_path / "evil.pth"
    with path.open("wb") as f:
        f.write(pickle.dumps(MAGIC_NUMBER, protocol=2))
        f.write(pickle.dumps(1001, protocol=2))
        if where == "header":
            f.write(evil)
        else:
            f.write(pickle.dumps({"little_endian": True}, protocol=2))
            f.write(evil)
    with pytest.raises(ValueError, match=r"(posix|os|nt)\.system.*not allowed"):
        load_legacy_state_dict(path)
    assert not marker.exists()


def test_legacy_reader_rejects_builtins_and_non_checkpoints(tmp_path) -> None:
    eval_pickle = pickle.PROTO + b"\x02" + _global("builtins", "eval") + _str("1+1") + pickle.TUPLE1
    path = _legacy_file(tmp_path / "eval.pth", eval_pickle + pickle.REDUCE + pickle.STOP, [])
    with pytest.raises(ValueError, match=r"builtins\.eval"):
        load_legacy_state_dict(path)
    (tmp_path / "zip.pth").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="zip"):
        load_legacy_state_dict(tmp_path / "zip.pth")
    (tmp_path / "junk.pth").write_bytes(b"\x80\x02K\x05.")
    with pytest.raises(ValueError, match="magic"):
        load_legacy_state_dict(tmp_path / "junk.pth")


def test_real_weights_read() -> None:
    sd = load_legacy_state_dict(efficientnet_lite.weights_path())
    assert len(sd) == 296
    assert sd["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert sd["_fc.weight"].shape == (1000, 1280) and sd["_fc.weight"].dtype == np.float32
    assert np.isfinite(sd["_fc.weight"]).all()


# -- the converter and the cache -----------------------------------------------------------------


@pytest.fixture(scope="session")
def model_file(tmp_path_factory) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACL_ASYNC_CACHE_DIR", str(cache))
        path = zoo.default_model_path()
    assert path.parent == cache
    return path


def test_default_model_is_cached_under_a_versioned_name(model_file, monkeypatch) -> None:
    name = model_file.name
    assert name.startswith(f"efficientnet-lite0-v{efficientnet_lite.CONVERTER_VERSION}-")
    assert name.endswith(".onnx")
    before = model_file.stat().st_mtime_ns
    monkeypatch.setenv("ACL_ASYNC_CACHE_DIR", str(model_file.parent))
    assert zoo.default_model_path() == model_file
    assert model_file.stat().st_mtime_ns == before  # not rebuilt
    assert [p.name for p in model_file.parent.iterdir()] == [name]  # no temporary files left


def test_build_is_byte_identical(model_file, tmp_path) -> None:
    again = zoo.build_model("efficientnet-lite0", tmp_path / "sub" / "again.onnx")
    assert again.read_bytes() == model_file.read_bytes()


def test_concurrent_builds_leave_one_complete_file(model_file, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ACL_ASYNC_CACHE_DIR", str(tmp_path))
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(zoo.default_model_path())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [tmp_path / model_file.name] * 2
    assert [p.name for p in tmp_path.iterdir()] == [model_file.name]
    assert results[0].read_bytes() == model_file.read_bytes()


def test_cache_dir_follows_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("ACL_ASYNC_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert zoo.cache_dir() == tmp_path / "acl-async"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert zoo.cache_dir() == tmp_path / ".cache" / "acl-async"
    monkeypatch.setenv("ACL_ASYNC_CACHE_DIR", str(tmp_path / "x"))
    assert zoo.cache_dir() == tmp_path / "x"


def test_unknown_model_name() -> None:
    assert "efficientnet-lite0" in zoo.available_models()
    with pytest.raises(ValueError, match="unknown model"):
        zoo.build_model("resnet9000", Path("unused.onnx"))


def test_model_metadata_and_inputs(model_file) -> None:
    meta = zoo.read_model_metadata(model_file)
    assert meta["acl_async.labels"] == "imagenet1k"
    spec = PreprocessSpec.from_metadata(meta)
    assert spec == PreprocessSpec(
        resize=256, resize_mode="shorter", crop=224, mean=127.5, std=127.5, interpolation="bilinear"
    )
    assert zoo.read_model_inputs(model_file) == [zoo.ModelInput("data", (1, 3, 224, 224), "float32")]
    assert zoo.model_preprocess_spec(model_file) == spec
    assert METADATA_KEY in meta


def test_known_description_of_the_embedded_model_is_what_its_file_says(model_file, monkeypatch) -> None:
    """The embedded model is described without parsing it (no onnx import on a default run): that
    description must be exactly what the file holds."""
    known = (zoo.read_model_metadata(model_file), zoo.read_model_inputs(model_file),
             zoo.read_model_outputs(model_file))  # fmt: skip
    monkeypatch.setattr(zoo, "_KNOWN", {})
    parsed = (zoo.read_model_metadata(model_file), zoo.read_model_inputs(model_file),
              zoo.read_model_outputs(model_file))  # fmt: skip
    assert parsed == known
    assert parsed[2] == [zoo.ModelInput("prob", (1, 1000), "float32")]


def test_a_changed_file_is_parsed_again(model_file, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ACL_ASYNC_CACHE_DIR", str(model_file.parent))
    path = zoo.default_model_path()
    assert zoo._known(path) is not None
    copy = tmp_path / "copy.onnx"
    copy.write_bytes(path.read_bytes())
    assert zoo._known(copy) is None  # only the file built or checked by this process


def test_metadata_of_other_files_is_empty(tmp_path) -> None:
    (tmp_path / "model.om").write_bytes(b"IMOD" + bytes(range(256)) * 4)
    assert zoo.read_model_metadata(tmp_path / "model.om") == {}
    assert zoo.read_model_inputs(tmp_path / "model.om") == []
    with pytest.raises(ValueError, match="no preprocessing"):
        zoo.model_preprocess_spec(tmp_path / "model.om")


def test_model_classifies_the_shipped_pictures(model_file) -> None:
    ov = pytest.importorskip("openvino")
    compiled = ov.Core().compile_model(str(model_file), "CPU")
    spec = zoo.model_preprocess_spec(model_file)
    pictures = zoo.default_pictures()
    assert [p.name for p in pictures] == list(zoo.EXPECTED_CLASSES)
    labels = load_labels("imagenet1k")
    for picture in pictures:
        prob = compiled(load_picture(picture, spec))[compiled.output("prob")]
        assert prob.shape == (1, 1000) and prob.dtype == np.float32
        assert abs(float(prob.sum()) - 1.0) < 1e-4  # softmax output
        top = int(prob[0].argmax())
        assert top in zoo.EXPECTED_CLASSES[picture.name], (picture.name, top, labels[top])
        assert prob[0, top] > 0.3


# -- labels --------------------------------------------------------------------------------------


def test_imagenet_labels_are_the_wordnet_names() -> None:
    labels = load_labels("imagenet1k")
    assert len(labels) == 1000
    assert labels[281] == "tabby, tabby cat"
    assert labels[967] == "espresso"
    assert labels[0] == "tench, Tinca tinca"
    assert load_labels(None) is None


def test_label_file_and_beside_model(tmp_path) -> None:
    (tmp_path / "net.labels").write_text("\ufeffcat \n\n dog\n\n", encoding="utf-8")
    assert load_labels(tmp_path / "net.labels") == ["cat", "", "dog"]
    assert labels_beside_model(tmp_path / "net.om") == tmp_path / "net.labels"
    (tmp_path / "other.onnx.labels").write_text("x\n")
    assert labels_beside_model(tmp_path / "other.onnx") == tmp_path / "other.onnx.labels"
    assert labels_beside_model(tmp_path / "none.om") is None
    with pytest.raises(ValueError, match="cannot read labels"):
        load_labels(tmp_path / "missing.labels")
