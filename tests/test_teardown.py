"""The teardown rule: closing anything, from any thread including a callback, with work in flight,
completes every accepted request (its callback runs exactly once), frees no memory a stream still
uses and never deadlocks.

The matrix closes each object (AsyncRunner, InferQueue, Model, Session) from the main thread, from
another thread and from inside each kind of callback (AsyncRunner's, InferQueue's) while both a runner
and a queue are busy. Each case runs in a subprocess with a generous timeout, so a deadlock fails the
case instead of hanging the suite, and a crash (use-after-free) shows as a signal exit. The child
counts, per object, the requests accepted (submit/start_async returned) and the callbacks run; it
reports them from an atexit hook registered before acl_async is imported, i.e. after acl_async's own
exit teardown: by then every accepted request must have had its callback, once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from models import make_add_model

TIMEOUT = 120  # a deadlock fails the case; normal cases take about a second

CHILD = textwrap.dedent(
    """
    import atexit, json, sys, threading
    from collections import Counter

    report = {}

    def final_report():
        report.update(
            accepted=accepted,
            calls={k: dict(v) for k, v in calls.items()},
            closed=len(closed_from),
        )
        print("REPORT " + json.dumps(report), flush=True)

    # Registered before acl_async's own atexit hook: runs after its exit teardown.
    atexit.register(final_report)

    import numpy as np
    import acl_async
    from acl_async import AsyncRunner, InferQueue, Session

    model_path, target, where = sys.argv[1:4]
    N, AT = 300, 100
    x = np.zeros((1, 8), np.float32)
    calls = {"runner": Counter(), "queue": Counter()}
    accepted = {"runner": [], "queue": []}
    closed_from = []

    session = Session()
    model = session.load_model(model_path)
    objects = {"session": session, "model": model}

    def close_target():
        objects[target].close()
        closed_from.append(threading.get_ident())
        # What was closed must be complete as soon as close() returned (outside callbacks).
        if where in ("main", "thread"):
            done = {"runner": ("runner", "session"), "queue": ("queue", "model", "session")}
            report["at_close"] = {k: sum(calls[k].values()) for k in done if target in done[k]}

    def runner_callback(outputs, userdata):
        assert outputs[0].shape == (1, 8)
        calls["runner"][userdata] += 1
        if where == "runner_cb" and userdata == AT // 2:
            close_target()

    def queue_callback(outputs, userdata):
        assert outputs[0].shape == (1, 8)
        calls["queue"][userdata] += 1
        if where == "queue_cb" and userdata == AT // 2:
            close_target()

    runner = AsyncRunner(model, pool_size=4, callback_interval=3, callback=runner_callback)
    queue = InferQueue(model, 2)
    queue.set_callback(queue_callback)
    objects.update(runner=runner, queue=queue)

    closer = None
    live = {"runner": runner.submit, "queue": queue.start_async}
    for i in range(N):
        if i == AT and where == "main":
            close_target()
        if i == AT and where == "thread":
            closer = threading.Thread(target=close_target)
            closer.start()
        for name, submit in list(live.items()):
            try:
                submit(x, i)
            except acl_async.ClosedError:
                del live[name]  # not accepted: the caller got the error
            else:
                accepted[name].append(i)
    if closer is not None:
        closer.join()
    """
)

OBJECTS = ["runner", "queue", "model", "session"]
WHERE = ["main", "thread", "runner_cb", "queue_cb"]


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    return make_add_model(tmp_path_factory.mktemp("teardown") / "add.onnx", (1, 8), np.float32, const=1.0)


def run_child(model_path: str, target: str, where: str) -> dict:
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, model_path, target, where],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"closing {target} from {where} hung (deadlock): {exc.stderr!r}")
    assert proc.returncode == 0, f"exit {proc.returncode} (crash?):\n{proc.stderr[-3000:]}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    assert lines, proc.stdout + proc.stderr
    return json.loads(lines[-1][len("REPORT ") :])


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("target", OBJECTS)
def test_teardown_matrix(model_path, target, where):
    report = run_child(model_path, target, where)
    assert report["closed"] == 1, "the close was never triggered"
    for name in ("runner", "queue"):
        accepted = report["accepted"][name]
        calls = {int(k): v for k, v in report["calls"][name].items()}
        assert accepted, f"no {name} request was accepted"
        # Every accepted request had its callback, exactly once, and nothing else did.
        assert sorted(calls) == accepted, f"{name}: callbacks {len(calls)} != accepted {len(accepted)}"
        assert set(calls.values()) == {1}, f"{name}: a callback ran twice"
    for name, count in report.get("at_close", {}).items():
        assert count == len(report["accepted"][name]), f"{name}: close() returned before every callback ran"
    if where != "main" or target in ("runner", "queue"):
        return
    # Closed from the main thread at request AT: the others were refused with ClosedError.
    assert len(report["accepted"]["queue"]) == 100
