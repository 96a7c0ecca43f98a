"""The sanitizer job's self-test scenarios (.ci/sanitize.sh): one per planted bug.

``python .ci/sanitizer_selftest.py NAME MODEL`` runs the code path that carries the planted bug
NAME (csrc/common/selftest_plant.h) with ``ACL_ASYNC_PLANT=NAME`` set by the caller. The job then
requires a sanitizer report: a job that cannot see a bug in one of our three native parts, through
the way that part is really used, is not checking it. The scenarios use only public APIs.
"""

from __future__ import annotations

import sys
import threading


def _pyacl_setup():
    import acl

    acl.init()
    acl.rt.set_device(0)
    ctx, _ = acl.rt.create_context(0)
    stream, _ = acl.rt.create_stream()
    return acl, ctx, stream


def host_copies(model: str) -> None:
    """Host runtime: synchronous and queued copies (aclrtMemcpy, aclrtMemcpyAsync on a stream)."""
    acl, _, stream = _pyacl_setup()
    a, _ = acl.rt.malloc(64, 0)
    b, _ = acl.rt.malloc(64, 0)
    acl.rt.memcpy(b, 64, a, 64, 3)
    for _ in range(200):
        acl.rt.memcpy_async(b, 64, a, 64, 3, stream)
    acl.rt.synchronize_stream(stream)


def pyacl_bytes(model: str) -> None:
    """pyACL: device bytes handed to Python (acl.util.ptr_to_bytes), callbacks (process_report)."""
    acl, ctx, stream = _pyacl_setup()
    p, ret = acl.rt.malloc_host(64)
    assert ret == 0, ret
    acl.util.ptr_to_bytes(p, 64)
    done = threading.Event()

    def report_thread(args: object) -> None:
        acl.rt.set_context(ctx)
        while not done.is_set():
            acl.rt.process_report(10)

    tid, _ = acl.util.start_thread(report_thread, [])
    acl.rt.subscribe_report(tid, stream)
    for _ in range(100):
        acl.rt.launch_callback(lambda data: None, [], 1, stream)
    acl.rt.synchronize_stream(stream)
    done.set()
    acl.rt.unsubscribe_report(tid, stream)
    acl.util.stop_thread(tid)


def extension_queue(model: str) -> None:
    """The extension: a model's pool blocks filled from numpy and an InferQueue's callbacks."""
    import numpy as np

    from acl_async import InferQueue, Session

    with Session(device_id=0) as session:
        m = session.load_model(model)
        x = np.ones(m.inputs[0].shape, dtype=np.float32)
        seen = []
        with InferQueue(m, jobs=2) as queue:
            queue.set_callback(lambda outputs, userdata: seen.append(userdata))
            for i in range(50):
                queue.start_async([x], userdata=i)
            queue.wait_all()
        assert sorted(seen) == list(range(50))


SCENARIOS = {
    "host-overread": host_copies,
    "host-race": host_copies,
    "pyacl-overread": pyacl_bytes,
    "pyacl-race": pyacl_bytes,
    "ext-overread": extension_queue,
    "ext-race": extension_queue,
}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]](sys.argv[2])
