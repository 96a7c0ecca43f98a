"""The runtime's own threads carry names (``/proc/self/task/*/comm``, ``top -H``, ``py-spy``), so that the
CPU they take beside OpenVINO's inference threads can be measured per thread (issue 24's profiling):
a stream's worker is ``acl-stream``, a report thread ``acl-report``."""

from __future__ import annotations

import os
import threading

import numpy as np

from acl_async import AsyncRunner


def thread_names() -> dict[int, str]:
    names = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm", encoding="utf-8") as f:
                names[int(tid)] = f.read().strip()
        except OSError:
            pass  # a thread that just ended
    return names


def test_stream_worker_and_report_thread_are_named(session, paths):
    model = session.load_model(paths["add"])
    where: list[int] = []
    done = threading.Event()

    def callback(outputs: list, index: int) -> None:
        where.append(threading.get_native_id())
        done.set()

    with AsyncRunner(model, pool_size=2, callback_interval=1, callback=callback) as runner:
        runner.submit(np.zeros((1, 4), np.float32), 0)
        assert done.wait(60)
        names = thread_names()
        assert "acl-stream" in names.values()
        assert names[where[0]] == "acl-report"  # Python callbacks run on the named report thread
        runner.wait(60)
