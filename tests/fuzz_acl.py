"""Seeded, bounded fuzzing of the ACL surface an attacker or a careless user reaches.

Two targets, each run in a child process by ``tests/test_fuzz.py`` (a crash kills the child, not
pytest; a hang is caught by the parent's timeout):

- ``calls SEED SECONDS THREADS``: random pyACL calls (``import acl``) from several threads at once.
  Every function of ``acl``, ``acl.rt``, ``acl.mdl`` and ``acl.util`` is called with
  arguments drawn from pools of live handles and pointers, freed ones, pointers shifted outside their
  allocation, random integers, wrong types and sizes from 0 to 2^63. The arity and parameter names are
  read from the bindings' own TypeErrors, so a new binding is fuzzed without editing this file.
- ``models SEED SECONDS MODEL...``: mutated model files (bit flips, truncation, splices, numbers in
  the ``.om`` metadata replaced by hostile ones) through every loader: ``aclmdlLoadFromFile[WithMem]``,
  ``aclmdlLoadFromMem[WithMem]``, ``aclmdlQuerySize[FromMem]``, ``Session.load_model`` (path and
  bytes) and the Python ``.om`` reader.

Either prints one line ``fuzz: N calls, M distinct functions`` and exits 0 when nothing crashed; a
Python exception of an unexpected type (not a TypeError/ValueError/OverflowError for bad arguments,
not an ACL error) is a finding and exits 1 with the call that raised it.
"""

from __future__ import annotations

import os
import random
import re
import resource
import sys
import threading
import time
from pathlib import Path

# Functions whose documented behaviour is to wait for another thread's action (a report thread, a
# BLOCK callback) or to run user code; a random call could legitimately wait forever.
_WAITERS = {"subscribe_report", "launch_callback", "start_thread", "stop_thread", "process_report",
            "set_exception_info_callback", "unsubscribe_report"}  # fmt: skip
# Not called from the threads: each ends the life of memory or of the whole ACL state that another thread
# may be reading at that moment (acl.util.ptr_to_bytes copying a block another thread frees is the
# application's race, which pyACL does not serialise; tests/test_pyacl_fuzz.py frees on one thread).
_LIFETIME = {"free", "free_host", "finalize", "finalize_reference", "reset_device", "reset_device_force",
             "destroy_context"}  # fmt: skip
_ARITY = re.compile(r"takes (\d+) positional argument")
_MISSING = re.compile(r"missing required argument '(\w+)'")
_EXPECTED = (TypeError, ValueError, OverflowError)
TRACE = os.environ.get("FUZZ_TRACE") == "1"  # each call on stderr before it is made (find a crash)
KEEP_GOING = os.environ.get("FUZZ_KEEP_GOING") == "1"  # list every finding (triage), not just the first

# Peak RSS a few KB of mutated model may cost (caps on profiles, dims, sizes); ASan's shadow memory and
# quarantine of freed blocks add their own (the sanitizer job preloads it).
MAX_RSS_MIB = 2560 if "libasan" in os.environ.get("LD_PRELOAD", "") else 1024
SIZES = [0, 1, 2, 3, 7, 16, 63, 64, 65, 4096, 1 << 20, 1 << 31, (1 << 63) - 1, -1, -(1 << 63)]
INTS = [0, 1, 2, -1, -2, 3, 100, 1000, 65535, 1 << 32, (1 << 64) - 1, 1 << 64, -(1 << 63)]


def _signature(fn) -> list[str] | None:
    """Parameter names of a pybind11 binding taking positional arguments, from its TypeErrors."""
    try:
        fn(*([None] * 40))
    except TypeError as exc:
        m = _ARITY.search(str(exc))
        if not m:
            return None
        n = int(m.group(1))
    except Exception:  # noqa: BLE001 - any other answer: no arity to read
        return None
    else:
        return None
    names = []
    for k in range(n):
        try:
            fn(*([None] * k))
        except TypeError as exc:
            m = _MISSING.search(str(exc))
            names.append(m.group(1) if m else f"arg{k}")
        except Exception:  # noqa: BLE001
            names.append(f"arg{k}")
    return names


class Pools:
    """Live, stale and forged handles and pointers, shared by the fuzzing threads."""

    def __init__(self, acl, rng: random.Random) -> None:
        self.acl, self.rng, self.lock = acl, rng, threading.Lock()
        self.ptrs: list[tuple[int, int]] = []  # (pointer, size), some of them freed later
        self.handles: list[int] = []
        self.arrays = []  # numpy arrays whose addresses were handed out (kept alive)

    def add_result(self, value) -> None:
        if isinstance(value, tuple):
            for v in value:
                self.add_result(v)
        elif isinstance(value, int) and value > 4096:
            with self.lock:
                self.handles.append(value)
                del self.handles[:-200]

    def pointer(self) -> int:
        with self.lock:
            known = list(self.ptrs)
        r = self.rng.random()
        if known and r < 0.6:
            p, size = self.rng.choice(known)
            return p + self.rng.choice([0, 0, 0, 1, -16, size, size - 1, size + 64, -4096])
        if r < 0.8:
            with self.lock:
                return self.rng.choice(self.handles) if self.handles else 0
        return self.rng.choice([0, 1, 8, 0xDEADBEEF, 1 << 47, (1 << 64) - 8])

    def handle(self) -> int:
        with self.lock:
            if self.handles and self.rng.random() < 0.8:
                return self.rng.choice(self.handles)
        return self.rng.choice(INTS)


def _value(name: str, pools: Pools, rng: random.Random):
    """An argument for a parameter called ``name``: usually of the kind the name says, sometimes not."""
    if rng.random() < 0.05:
        return rng.choice([None, "x", 1.5, b"\0" * 8, [1, 2], {"dims": [1]}, -1])
    n = name.lower()
    if any(k in n for k in ("ptr", "dst", "src", "addr", "data", "dev", "buf")) and "desc" not in n:
        return pools.pointer() if "dev" not in n or rng.random() < 0.5 else rng.choice(INTS)
    if any(k in n for k in ("size", "count", "len", "max", "pitch", "width", "height")):
        return rng.choice(SIZES)
    if "timeout" in n:
        return rng.choice([0, 1, 5, -2, 10])
    if any(k in n for k in ("path", "file", "name", "config")):
        return rng.choice(["", "/nonexistent", "/etc/passwd", "../x", "a" * 5000, "\udcff"])
    if any(k in n for k in ("dims", "shape", "list", "range")):
        return [rng.choice(INTS) for _ in range(rng.randrange(0, 5))]
    if n in ("fn", "func", "callback"):
        return lambda *a: None
    if n in ("model", "bytes", "model_bytes") or "array" in n:
        import numpy as np

        return np.zeros(rng.choice([0, 1, 16]), dtype=np.uint8)
    return pools.handle()


def fuzz_calls(seed: int, seconds: float, threads: int) -> int:
    import acl
    import numpy as np

    rng = random.Random(seed)
    pools = Pools(acl, rng)
    acl.init()
    acl.rt.set_device(0)
    ctx, _ = acl.rt.create_context(0)
    stream, _ = acl.rt.create_stream()
    pools.handles += [ctx, stream]
    for size in (64, 4096):
        p, ret = acl.rt.malloc(size, 0)
        if ret == 0:
            pools.ptrs.append((p, size))
    arr = np.zeros(256, dtype=np.uint8)
    pools.arrays.append(arr)
    pools.ptrs.append((acl.util.numpy_to_ptr(arr), arr.nbytes))

    functions = []
    # Not acl.media here: DVPP's synchronous readers (image info, size predictions) do not yet pin the
    # memory they read against another thread's free (tests/test_pyacl_fuzz.py fuzzes them on one thread).
    for mod in (acl, acl.rt, acl.mdl, acl.util):
        for name in dir(mod):
            fn = getattr(mod, name)
            if (
                name.startswith("_")
                or not callable(fn)
                or isinstance(fn, type)
                or name in _WAITERS | _LIFETIME
            ):
                continue
            sig = _signature(fn)
            if sig is not None:
                functions.append((name, fn, sig))
    assert functions, "no pyACL function found"
    calls, seen = [0], set()
    finding: list[str] = []
    deadline = time.monotonic() + seconds

    def worker(k: int) -> None:
        trng = random.Random(seed * 1000 + k)
        acl.rt.set_context(ctx)
        while time.monotonic() < deadline and (KEEP_GOING or not finding):
            name, fn, sig = trng.choice(functions)
            args = [_value(p, pools, trng) for p in sig]
            if TRACE:
                print(f"[{k}] {name}{tuple(args)!r}", file=sys.stderr, flush=True)
            try:
                result = fn(*args)
            except _EXPECTED:
                continue
            except Exception as exc:  # noqa: BLE001 - a finding: reported with its call
                if type(exc).__name__ != "AclError":
                    finding.append(f"{name}{tuple(args)!r} raised {type(exc).__name__}: {exc}")
                continue
            with pools.lock:
                calls[0] += 1
                seen.add(name)
            if name in ("malloc", "malloc_host", "malloc_cached") and isinstance(result, tuple):
                if result[-1] == 0 and isinstance(args[0], int):
                    with pools.lock:
                        pools.ptrs.append((result[0], args[0]))
                        del pools.ptrs[:-50]
            pools.add_result(result)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if finding:
        for line in sorted(set(finding)) if KEEP_GOING else finding[:1]:
            print("fuzz finding:", line)
        return 1
    print(f"fuzz: {calls[0]} calls, {len(seen)} distinct functions")
    return 0


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    kind = rng.randrange(5)
    if kind == 0 and b:  # bit flips
        for _ in range(rng.randrange(1, 16)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncation
        del b[rng.randrange(len(b) + 1) :]
    elif kind == 2 and b:  # splice of a random chunk somewhere else
        i, j = sorted(rng.randrange(len(b)) for _ in range(2))
        k = rng.randrange(len(b))
        b[k:k] = b[i:j]
    elif kind == 3:  # one hostile number in a text part (.om metadata lines, ONNX dims are varints)
        numbers = list(re.finditer(rb"\d+", bytes(b)))
        if numbers:
            m = rng.choice(numbers)
            b[m.start() : m.end()] = rng.choice([b"-1", b"200000000", b"abc", b"18446744073709551615", b"0"])
    elif b:  # the container's length fields
        for off in (8, 12, 20):
            if off + 8 <= len(b) and rng.random() < 0.5:
                b[off : off + rng.choice([4, 8])] = rng.randbytes(8)[: rng.choice([4, 8])]
    return bytes(b)


def _acl_loaders(acl, path: str, ptr: int, size: int):
    """Every pyACL loader on one file and its bytes: (whether success returns a model id, result)."""
    yield True, acl.mdl.load_from_file(path)
    yield True, acl.mdl.load_from_mem(ptr, size)
    yield True, acl.mdl.load_from_file_with_mem(path, 0, 0, 0, 0)
    yield True, acl.mdl.load_from_mem_with_mem(ptr, size, 0, 0, 0, 0)
    yield False, acl.mdl.query_size(path)
    yield False, acl.mdl.query_size_from_mem(ptr, size)


def peak_rss_mib() -> float:
    """This process's own peak RSS (VmHWM). Not getrusage's ru_maxrss: Linux keeps that across exec, so a
    child of a big pytest process reports the parent's RSS (a CI run: 1060 MiB for a 116 MiB fuzz)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # no procfs: the best there is


def fuzz_models(seed: int, seconds: float, models: list[str]) -> int:
    import acl
    import numpy as np

    import acl_async
    from acl_async.atc import container

    rng = random.Random(seed)
    originals = [Path(m).read_bytes() for m in models]
    acl.init()
    acl.rt.set_device(0)
    ctx, _ = acl.rt.create_context(0)
    session = acl_async.Session(device_id=0)
    scratch = Path(models[0]).parent / f"fuzz-{seed}"
    scratch.mkdir(exist_ok=True)
    loaders, n = 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = _mutate(rng.choice(originals), rng)
        path = scratch / rng.choice(["m.om", "m.onnx"])
        path.write_bytes(data)
        arr = np.frombuffer(data, dtype=np.uint8).copy() if data else np.zeros(1, np.uint8)
        ptr = acl.util.numpy_to_ptr(arr)
        for gives_model, result in _acl_loaders(acl, str(path), ptr, len(data)):
            loaders += 1
            if gives_model and isinstance(result, tuple) and result[-1] == 0:
                acl.mdl.unload(result[0])
        for source in (str(path), data):
            try:
                model = session.load_model(source)
            except (acl_async.AclError, ValueError, OSError):
                pass
            else:
                model.close()
            loaders += 1
        try:
            container.unpack(data, str(path))
        except ValueError:
            pass
        n += 1
    session.close()
    rss_mib = peak_rss_mib()
    print(f"fuzz: {n} mutated models, {loaders} loader calls, max RSS {rss_mib:.0f} MiB")
    # A few KB of model must not make the runtime reserve gigabytes (caps on profiles, dims, sizes).
    if rss_mib > MAX_RSS_MIB:
        print(f"fuzz finding: max RSS {rss_mib:.0f} MiB > {MAX_RSS_MIB} MiB")
        return 1
    return 0


def main(argv: list[str]) -> int:
    what, seed, seconds = argv[0], int(argv[1]), float(argv[2])
    if what == "calls":
        return fuzz_calls(seed, seconds, int(argv[3]))
    return fuzz_models(seed, seconds, argv[3:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
