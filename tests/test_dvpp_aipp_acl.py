"""The commands learn a model's YUV420SP AIPP input through the ACL API (aclmdlGetAippType,
aclmdlGetFirstAippInfo, aclmdlGetInputDims: ``acl_async.dvpp_preprocess.aipp_input``), not only from an
``acl-async atc`` container: a real CANN .om on an Ascend host has no metadata our reader understands.
Such a file is imitated by making the file readers know nothing about the .om."""

from __future__ import annotations

from pathlib import Path

import atc_models
import pytest

acl = pytest.importorskip("acl")

@pytest.fixture(scope="module")
def nv12_om(tmp_path_factory, default_model) -> Path:
    """The embedded EfficientNet-Lite0 converted with YUV420SP static AIPP (atc_models.NV12_AIPP)."""
    return atc_models.make_nv12_om(tmp_path_factory.mktemp("nv12acl"), default_model)


@pytest.fixture
def opaque_files(monkeypatch):
    """The file readers know nothing of any model (as for a CANN .om): only the ACL API can tell."""
    from acl_async import zoo

    def unknown(path):
        raise ValueError(f"{path}: no preprocessing metadata or input description (ONNX models only)")

    monkeypatch.setattr(zoo, "read_aipp_format", lambda path: None)
    monkeypatch.setattr(zoo, "model_preprocess_spec", unknown)
    monkeypatch.setattr(zoo, "read_model_inputs", lambda path: [])
    monkeypatch.setattr(zoo, "read_model_metadata", lambda path: {})


def test_aipp_input_reads_the_acl_api(nv12_om, default_model):
    from acl_async import Session
    from acl_async.dvpp_preprocess import AippInput, aipp_input

    with Session() as session:
        model = session.load_model(str(nv12_om))
        # aclmdlGetInputDims of a static-AIPP YUV420SP input: the picture's NHWC dims, as CANN documents.
        assert aipp_input(model.id) == AippInput("YUV420SP_U8", 224, 224, (1, 224, 224, 3))
        assert aipp_input(session.load_model(default_model).id) is None  # no AIPP


def test_commands_take_an_aipp_model_the_files_do_not_describe(nv12_om, opaque_files, capsys):
    from acl_async import Session, sample_run
    from acl_async.cli import main as cli
    from acl_async.model_io import describe_inputs, is_picture_input, picture_spec

    with Session() as session:
        model = session.load_model(str(nv12_om))
        descs = describe_inputs(model)
        assert (descs[0].aipp_format, descs[0].aipp_hw) == ("YUV420SP_U8", (224, 224))
        assert is_picture_input(descs, nv12_om)
        for spec in (picture_spec(nv12_om, descs), sample_run.model_spec(nv12_om, model)):
            assert spec.layout == "NV12" and spec.output_hw == (224, 224)
            assert spec.input_shape == (1, 336, 224, 1)
    capsys.readouterr()
    assert cli(["3", "1", "3", "-m", str(nv12_om), "-q", "--preprocess", "dvpp"]) == 0
    assert capsys.readouterr().out.count("top 1:") == 3
    assert cli(["classify", "-m", str(nv12_om), "--preprocess", "dvpp", "-nt", "1"]) == 0
