"""Wrong ints from Python never crash the process: every `acl` function called with random handles,
pointers and sizes (bogus numbers, addresses of live Python objects, real handles of the wrong kind, freed
ones), seeded and bounded. pyACL leaves handles to the C runtime's registries and refuses host pointers
nobody handed out (csrc/pyacl/common.h, ranges::admit); this checks that no path dereferences a bad one.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

acl = pytest.importorskip("acl")

pytestmark = pytest.mark.skipif(
    acl.__backend__ != "host" or not acl._strict(), reason="strict mode of the host runtime"
)

CHILD = r"""
import random, sys
import acl

SKIP = {  # end the ACL state, start threads or callbacks, or may wait on a stream another call blocked
    "acl.finalize", "acl.finalize_reference", "acl.rt.reset_device", "acl.rt.reset_device_force",
    "acl.util.start_thread", "acl.util.stop_thread", "acl.rt.launch_callback",
    "acl.rt.set_exception_info_callback", "acl.rt.stream_wait_event", "acl.app_log",
}
rng = random.Random(int(sys.argv[1]))
assert acl.init() == 0 and acl.rt.set_device(0) == 0
ctx, _ = acl.rt.create_context(0)
pool = [0, 1, 7, 0x42, 0xDEAD000, 2**63 + 8, 2**64 - 8, ctx]
keep = [object(), b"bytes", [1, 2, 3]]
pool += [id(o) for o in keep] + [id(o) + 16 for o in keep]
pool.append(acl.rt.create_stream()[0])
pool.append(acl.rt.create_event()[0])
pool.append(acl.mdl.create_dataset())
pool.append(acl.mdl.create_desc())
pool.append(acl.create_tensor_desc(0, [2, 2], 2))
dev, _ = acl.rt.malloc(64, 0)
host, _ = acl.rt.malloc_host(64)
pool += [dev, dev + 60, host, host + 64, acl.create_data_buffer(dev, 64)]
pool += [acl.mdl.create_config_handle(), acl.mdl.create_exec_config_handle()]
functions = []
for name, (params, required) in sorted(acl._signatures().items()):
    if name in SKIP:
        continue
    fn = acl
    for part in name.split(".")[1:]:
        fn = getattr(fn, part)
    functions.append((name, fn, required))
calls = 0
for _ in range(int(sys.argv[2])):
    name, fn, required = rng.choice(functions)
    args = [rng.choice(pool) if rng.random() < 0.8 else rng.randrange(0, 2**16) for _ in range(required)]
    try:
        fn(*args)
    except (TypeError, ValueError, OverflowError):
        pass
    calls += 1
    if rng.random() < 0.02:  # handles made by the fuzzed calls join the pool
        pool.append(acl.rt.create_stream()[0])
print("survived", calls)
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_calls_never_crash(seed):
    r = subprocess.run(
        [sys.executable, "-c", CHILD, str(seed), "10000"], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip() == "survived 10000"
