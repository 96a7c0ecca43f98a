"""The single-stream reference: plain OpenVINO, one infer request compiled with ``--hint`` (LATENCY by
default), synchronous ``infer()`` in a loop on one thread, no acl-async code.

    python benchmarks/ov_single.py MODEL [--hint LATENCY] [--seconds 4]

Prints one JSON object: hint, count, seconds, fps.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import openvino as ov


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--hint", choices=("LATENCY", "THROUGHPUT"), default="LATENCY")
    p.add_argument("--seconds", type=float, default=4.0)
    args = p.parse_args()
    compiled = ov.Core().compile_model(args.model, "CPU", {"PERFORMANCE_HINT": args.hint})
    port = compiled.input(0)
    x = np.random.default_rng(0).random(tuple(port.shape)).astype(port.element_type.to_dtype())
    request = compiled.create_infer_request()
    request.set_input_tensor(ov.Tensor(x))  # bound once, like acl-async's pool blocks
    request.infer()  # warm-up
    count = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < args.seconds:
        request.infer()
        count += 1
    print(json.dumps({"hint": args.hint, "count": count, "seconds": elapsed, "fps": count / elapsed}))


if __name__ == "__main__":
    main()
