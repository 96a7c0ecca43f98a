"""P2 worker: requests per second through an async queue with a Python callback, on a trivial model.

    python benchmarks/p2_worker.py {acl-async|openvino} MODEL --requests N [--jobs J]

Prints one JSON object: side, requests, jobs, seconds, requests_per_s.  Both sides do the same work: a
queue of J jobs (0 = the device's suggested number), ``start_async`` N times with the same input, a
Python callback that counts the request and reads one output value, ``wait_all``.  Run in its own process
so the two runtimes never share threads.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np


def _acl_async(model_path: str, requests: int, jobs: int, warmup: int) -> dict[str, Any]:
    import acl_async

    x = np.zeros((1, 16), np.float32)
    done = [0]

    def callback(outputs: Any, userdata: Any) -> None:
        done[0] += 1
        _ = float(outputs[0].flat[0])

    with acl_async.Session() as session:
        model = session.load_model(model_path)
        queue = acl_async.InferQueue(model, jobs=jobs)
        queue.set_callback(callback)
        for i in range(warmup):
            queue.start_async([x], i)
        queue.wait_all()
        start = time.perf_counter()
        for i in range(requests):
            queue.start_async([x], i)
        queue.wait_all()
        seconds = time.perf_counter() - start
        n_jobs = len(queue)
        close = getattr(queue, "close", None)
        if close is not None:
            close()
    assert done[0] == requests + warmup, done
    return {"jobs": n_jobs, "seconds": seconds}


def _openvino(model_path: str, requests: int, jobs: int, warmup: int) -> dict[str, Any]:
    import openvino as ov

    x = np.zeros((1, 16), np.float32)
    done = [0]

    def callback(request: Any, userdata: Any) -> None:
        done[0] += 1
        _ = float(request.get_output_tensor(0).data.flat[0])

    compiled = ov.Core().compile_model(model_path, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
    queue = ov.AsyncInferQueue(compiled, jobs)
    queue.set_callback(callback)
    for i in range(warmup):
        queue.start_async({0: x}, i)
    queue.wait_all()
    start = time.perf_counter()
    for i in range(requests):
        queue.start_async({0: x}, i)
    queue.wait_all()
    seconds = time.perf_counter() - start
    assert done[0] == requests + warmup, done
    return {"jobs": len(queue), "seconds": seconds}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("side", choices=("acl-async", "openvino"))
    p.add_argument("model")
    p.add_argument("--requests", type=int, default=20000)
    p.add_argument("--jobs", type=int, default=0)
    p.add_argument("--warmup", type=int, default=200)
    args = p.parse_args()
    run = _acl_async if args.side == "acl-async" else _openvino
    out = run(args.model, args.requests, args.jobs, args.warmup)
    out.update(side=args.side, requests=args.requests, requests_per_s=args.requests / out["seconds"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
