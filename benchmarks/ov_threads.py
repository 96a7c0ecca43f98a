"""P1 reference: plain OpenVINO, N Python threads each calling the synchronous ``infer()`` of its own
request on one model compiled with the throughput hint -- the execution pattern of the host runtime
(each ACL stream's worker thread runs its request synchronously), without any acl-async code.

    python benchmarks/ov_threads.py MODEL [--seconds 10] [--threads 0]

Prints one JSON object: threads, count, seconds, fps.  ``--threads 0``: OpenVINO's optimal number of
infer requests (what both ``benchmark_app`` and acl-async use by default).
"""

from __future__ import annotations

import argparse
import json
import threading
import time

import numpy as np
import openvino as ov


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args()
    compiled = ov.Core().compile_model(args.model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
    n = args.threads or int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
    shape = tuple(compiled.input(0).shape)
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    requests = [compiled.create_infer_request() for _ in range(n)]
    for r in requests:
        r.infer({0: x})  # warm-up
    counts = [0] * n
    ends = [0.0] * n

    def work(i: int, start: float) -> None:
        while time.perf_counter() - start < args.seconds:
            requests[i].infer({0: x})
            counts[i] += 1
        ends[i] = time.perf_counter()

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i, start)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = max(ends) - start
    print(json.dumps({"threads": n, "count": sum(counts), "seconds": seconds, "fps": sum(counts) / seconds}))


if __name__ == "__main__":
    main()
