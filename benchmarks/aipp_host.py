"""Static AIPP by the host runtime's C++ AIPP vs the same AIPP as OpenVINO operations in the graph (what
``acl-async atc`` wrote before issues #20/#23), on a 224x224 NV12 picture into an identity network.

    python benchmarks/aipp_host.py [--repeats 5] [--niter 400]

Three .om files of the identity network y = x + 0 ([1, 3, 224, 224] float32), executed synchronously
through pyACL, rounds interleaved, medians of per-execution process CPU time and wall time:
  plain     the float32 input fed directly (the network alone)
  host      YUV420SP_U8 static AIPP, CSC and mean/var, run by the host runtime (today's atc)
  in-graph  the same AIPP as graph operations (:func:`in_graph_om`, the .om earlier versions wrote)
AIPP's cost is each row minus ``plain``. :func:`in_graph_om` is also used by dvpp_pipeline.py and
video_e2e.py for their before/after rows. The machine's load moves every figure: compare ratios.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

NV12_AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 224, "src_image_size_h": 224, "csc_switch": "true",
    **dict(zip([f"matrix_r{r}c{c}" for r in range(3) for c in range(3)],
               (298, 0, 409, 298, -100, -208, 298, 516, 0), strict=True)),
    **{f"input_bias_{i}": b for i, b in enumerate((16, 128, 128))},
    **{f"min_chn_{i}": 127.5 for i in range(3)}, **{f"var_reci_chn_{i}": 1 / 127.5 for i in range(3)},
}  # fmt: skip


def in_graph_om(om: Path, out: Path) -> Path:
    """``om`` (static AIPP the host runs, ``aipp<i>.mode=host``) rewritten with its AIPP as OpenVINO
    operations in the network, as ``acl-async atc`` wrote it before the host ran static AIPP."""
    import openvino as ov

    from acl_async.atc.aipp import AippConfig
    from acl_async.atc.aipp_graph import insert_aipp
    from acl_async.atc.container import OmContainer, read_container, write_container

    c = read_container(om)
    model = ov.Core().read_model(c.xml, ov.Tensor(np.frombuffer(c.weights, np.uint8).copy()))
    meta = dict(c.meta)
    for key in [k for k in meta if k.endswith(".mode") and meta[k] == "host"]:
        prefix = key[: -len("mode")]
        cfg = AippConfig()
        for name, value in ((k[len(prefix) :], v) for k, v in meta.items() if k.startswith(prefix)):
            if name in ("mode", "format_code") or not hasattr(cfg, name):
                continue
            default = getattr(cfg, name)
            if isinstance(default, list):
                kind = float if isinstance(default[0], float) else int
                setattr(cfg, name, [kind(float(x)) for x in value.split(",")])
            elif isinstance(default, bool):
                setattr(cfg, name, value == "1")
            else:
                setattr(cfg, name, type(default)(value))
        model = insert_aipp(model, cfg, cfg.layout, host=False)
        del meta[key]
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "m.xml"
        ov.save_model(model, str(xml), compress_to_fp16=False)
        write_container(OmContainer(meta, xml.read_bytes(), xml.with_suffix(".bin").read_bytes()), out)
    return out


def convert(onnx: Path, out: Path, aipp: dict[str, object] | None) -> Path:
    args = [f"--model={onnx}", f"--output={out}", "--framework=5", "--soc_version=Ascend310"]
    if aipp is not None:
        cfg = out.with_suffix(".cfg")
        entries = "".join(f"    {k}: {v}\n" for k, v in aipp.items())
        cfg.write_text(f"aipp_op {{\n    aipp_mode: static\n{entries}}}\n")
        args.append(f"--insert_op_conf={cfg}")
    subprocess.run([sys.executable, "-m", "acl_async", "atc", *args], check=True, capture_output=True)
    return out.with_suffix(".om")


class Runner:
    """A loaded .om with its buffers, executed synchronously."""

    def __init__(self, om: Path) -> None:
        import acl

        self.acl = acl
        self.id, ret = acl.mdl.load_from_file(str(om))
        assert ret == 0, ret
        self.desc = acl.mdl.create_desc()
        acl.mdl.get_desc(self.desc, self.id)
        self.sets = []
        for count, size_of in ((acl.mdl.get_num_inputs, acl.mdl.get_input_size_by_index),
                               (acl.mdl.get_num_outputs, acl.mdl.get_output_size_by_index)):  # fmt: skip
            ds = acl.mdl.create_dataset()
            for i in range(count(self.desc)):
                size = size_of(self.desc, i)
                p, _ = acl.rt.malloc(size, 0)
                acl.rt.memset(p, size, 77, size)
                acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(p, size))
            self.sets.append(ds)

    def measure(self, niter: int) -> tuple[float, float]:
        """Per-execution (CPU ms, wall ms)."""
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(niter):
            assert self.acl.mdl.execute(self.id, *self.sets) == 0
        return (time.process_time() - cpu) * 1e3 / niter, (time.perf_counter() - wall) * 1e3 / niter


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--niter", type=int, default=400)
    args = ap.parse_args()
    import acl
    from models import make_add_model

    acl.init()
    acl.rt.set_device(0)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        onnx = Path(make_add_model(work / "id.onnx", (1, 3, 224, 224), np.float32, const=0.0))
        host = convert(onnx, work / "host", NV12_AIPP)
        models = {"plain": convert(onnx, work / "plain", None), "host": host,
                  "in-graph": in_graph_om(host, work / "graph.om")}  # fmt: skip
        runners = {k: Runner(v) for k, v in models.items()}
        for r in runners.values():
            r.measure(20)  # warm-up
        cpu: dict[str, list[float]] = {k: [] for k in runners}
        wall: dict[str, list[float]] = {k: [] for k in runners}
        for _ in range(args.repeats):
            for k, r in runners.items():
                c, w = r.measure(args.niter)
                cpu[k].append(c)
                wall[k].append(w)
    med_c = {k: statistics.median(v) for k, v in cpu.items()}
    med_w = {k: statistics.median(v) for k, v in wall.items()}
    for k in runners:
        aipp_c, aipp_w = med_c[k] - med_c["plain"], med_w[k] - med_w["plain"]
        print(f"{k:9s} CPU {med_c[k]:.3f} ms/exec, wall {med_w[k]:.3f} ms/exec; "
              f"AIPP (minus plain): CPU {aipp_c:.3f} ms, wall {aipp_w:.3f} ms")  # fmt: skip
    ratio = (med_c["in-graph"] - med_c["plain"]) / max(1e-6, med_c["host"] - med_c["plain"])
    print(f"in-graph / host AIPP cost (CPU): {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
