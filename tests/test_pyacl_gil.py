"""pyACL touches Python objects only with the GIL held.

Every binding runs its C call through one helper (``call_nogil`` in csrc/pyacl/common.h) that releases the
GIL and returns only C values; Python objects are built after it re-acquires the GIL. Under
``PYTHONMALLOC=debug`` CPython aborts at once ("Python memory allocator called without holding the GIL") when
an object is allocated without it, so looping calls whose results are new ``int`` objects (error codes above
256 are not cached) while a second Python thread runs catches any binding that builds its result too early.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

acl = pytest.importorskip("acl")

# Every acl function called with zeros (or None) for its required arguments, except those that end the
# process's ACL state or wait on threads; acl.init and acl.rt.unsubscribe_report (the two that built their
# result without the GIL, issue #18) are looped on their own too.
SKIP = {
    "acl.finalize",
    "acl.finalize_reference",
    "acl.rt.reset_device",
    "acl.rt.reset_device_force",
    "acl.rt.synchronize_device",
    "acl.rt.synchronize_device_with_timeout",
    "acl.util.start_thread",
    "acl.util.stop_thread",
    "acl.rt.set_exception_info_callback",
    "acl.rt.launch_callback",
}

CHILD = """
import sys, threading
import acl

# Each call hands the GIL to the churn thread; at the default 5 ms switch interval taking it back costs
# that much per call (60 s for the loop). The debug allocator's GIL check does not depend on it.
sys.setswitchinterval(1e-4)
stop = threading.Event()

def churn():  # a second Python thread allocating all the time
    while not stop.is_set():
        [str(i) for i in range(64)]

t = threading.Thread(target=churn)
t.start()
assert acl.init() == 0
assert acl.rt.set_device(0) == 0
context, ret = acl.rt.create_context(0)
stream, ret = acl.rt.create_stream()
skip = set(sys.argv[2].split(","))
calls = []
for name, (params, required) in sorted(acl._signatures().items()):
    if name in skip:
        continue
    fn = acl
    for part in name.split(".")[1:]:
        fn = getattr(fn, part)
    calls.append((fn, [0] * required))
codes = set()
for _ in range(int(sys.argv[1])):
    codes.add(acl.init())                            # 100002 (repeated init): a new int object
    codes.add(acl.rt.unsubscribe_report(12345, stream))  # 107011 (not subscribed): a new int object
    for fn, args in calls:
        try:
            fn(*args)
        except (TypeError, ValueError):
            pass
stop.set()
t.join()
print(sorted(codes))
"""


def test_no_python_object_is_made_without_the_gil(tmp_path: Path):
    env = dict(os.environ, PYTHONMALLOC="debug", PYTHONFAULTHANDLER="1")
    r = subprocess.run(
        [sys.executable, "-c", CHILD, "100", ",".join(sorted(SKIP))],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert "without holding the GIL" not in r.stderr
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip() == "[100002, 107011]"  # the two calls really built new int objects


def test_only_call_nogil_releases_the_gil():
    """The helper is the only place that releases the GIL, so no binding can build objects without it."""
    src = Path(__file__).resolve().parents[1] / "csrc" / "pyacl"
    if not src.is_dir():
        pytest.skip("sources not present")
    offenders = [
        p.name
        for p in src.glob("*.cpp")
        if "gil_scoped_release" in p.read_text() or "PyEval_SaveThread" in p.read_text()
    ]
    assert offenders == []
    assert "gil_scoped_release" in (src / "common.h").read_text()
