"""Joining a Ray cluster and sizing the actor pool from its resources, before any work starts."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .errors import ClusterError, RayNotInstalledError, ResourceError

__all__ = [
    "ActorPlan",
    "check_installed",
    "connect",
    "describe_cluster",
    "get_placed",
    "import_ray",
    "plan_actors",
    "say",
]


def say(message: str) -> None:
    """One progress line on stdout, in the CLI's ``[ INFO ]`` style (stderr keeps the one-line errors)."""
    print(f"[ INFO ] {message}", flush=True)


#: Seconds to wait for a TCP connection to a given cluster address before calling it unreachable.
CONNECT_TIMEOUT_S = 5.0
#: Seconds to wait for the cluster to place work that asks for resources (the model probe) before
#: failing, and between two "still waiting" lines.
PLACE_TIMEOUT_S, PLACE_NOTICE_S = 300.0, 15.0
#: The Ray resource name of Huawei Ascend NPUs.
NPU = "NPU"
#: Logical CPUs kept beside the actors for Ray Data's own tasks (listing and reading the inputs).
DECODE_CPUS = 0.5
#: ``ray.init`` arguments of a new local cluster for one run alone: no dashboard (its processes start with
#: the cluster and compete with the run for the cores; nobody looks at it before the run ends), and workers
#: at the driver's own priority (Ray's default adds ``nice`` 15 to them to keep its daemons responsive on
#: a busy node: the actor, which does the run's work, then loses the CPU to anything else the machine runs
#: (measured: ``ray::ClassifyActor`` at nice 15 took 66% of a core on a loaded 2-core machine while the
#: same decode + inference in local ``classify`` gets its full share); and no task events (the records of
#: every task's states that feed the dashboard's task views, which nobody opens here: the driver's exit
#: flushed them for 0.25 s, measured with Ray 2.60, ``core_worker.shutdown_driver()`` 0.254 s vs 0.005 s);
#: and no workers started ahead for the driver (Ray starts one per CPU, 0.35 s of CPU each, to run the
#: driver's first tasks at once; the run's actors start as it creates them, while the driver classifies).
LOCAL_CLUSTER_ARGS: dict[str, Any] = {
    "include_dashboard": False,
    "_system_config": {
        "worker_niceness": 0,
        "task_events_report_interval_ms": 0,
        "prestart_worker_first_driver": False,
    },
}
#: Logical CPUs of an NPU actor (it mostly waits for its NPU) and of a host-runtime actor (it computes).
NPU_ACTOR_CPUS, HOST_ACTOR_CPUS = 0.25, 1.0


def import_ray() -> Any:
    """``import ray``, or :class:`RayNotInstalledError` when Ray or its ``ray.data`` and pyarrow are not
    installed.  ``ray.data`` itself is only looked for: importing it takes 1.5 s of a 2-core machine and
    only runs that use Ray Data need it (they import it then)."""
    import importlib.util

    try:
        import ray

        for name in ("ray.data", "pyarrow"):
            if importlib.util.find_spec(name) is None:
                raise ImportError(f"No module named {name!r}")
    except (ImportError, ValueError) as exc:  # ValueError: a module whose spec is None
        raise RayNotInstalledError(str(exc)) from None
    return ray


def check_installed() -> None:
    """:class:`RayNotInstalledError` unless Ray, its ``ray.data`` and pyarrow are installed, without
    importing Ray (1-1.5 s of a 2-core machine, which a run on a new local cluster spends classifying:
    :mod:`.head_start`)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("ray")
        if spec is None:
            raise ImportError("No module named 'ray'")
        folders = spec.submodule_search_locations or []
        if not any(os.path.isdir(os.path.join(folder, "data")) for folder in folders):
            raise ImportError("No module named 'ray.data'")
        if importlib.util.find_spec("pyarrow") is None:
            raise ImportError("No module named 'pyarrow'")
    except (ImportError, ValueError) as exc:  # ValueError: a module whose spec is None
        raise RayNotInstalledError(str(exc)) from None


def _host_port(address: str) -> tuple[str, int] | None:
    """``host:port`` of an address (``ray://host:port`` or ``host:port``); None when it has no port."""
    text = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        return None
    return host.strip("[]") or "127.0.0.1", int(port)


def connect(address: str | None, announce: bool = False) -> bool:
    """Join the cluster at ``address``; returns whether this call started the connection (the caller then
    shuts it down).  An already initialized Ray is used as it is.

    ``None`` or ``"auto"``: the cluster this machine belongs to (``RAY_ADDRESS``, else the latest
    ``ray start`` here), else a new local one.  ``"local"``: a new local cluster.  Anything else is a
    cluster address (``host:port`` or ``ray://host:port``) that must answer.  ``announce``: say first
    which cluster it looks for (joining can take a while).
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    target = None if address in (None, "", "auto") else address
    if not announce:
        pass
    elif target is None:
        say("Ray: joining the cluster of this machine (RAY_ADDRESS, else the latest `ray start`), "
            "else starting a local one")  # fmt: skip
    elif target == "local":
        say("Ray: starting a local cluster")
    else:
        say(f"Ray: joining the cluster at {target}")
    if target not in (None, "local"):
        assert target is not None
        hp = _host_port(target)
        if hp is None:
            raise ClusterError(f"bad Ray address {target!r}: expected host:port or ray://host:port")
        try:
            socket.create_connection(hp, timeout=CONNECT_TIMEOUT_S).close()
        except OSError as exc:
            raise ClusterError(f"cannot reach the Ray cluster at {target}: {exc.strerror or exc}") from None
        if _is_this_machine(hp[0]):
            _token_auth_like_ray_auto()
    with _stderr_captured() as captured:
        try:
            extra = LOCAL_CLUSTER_ARGS if target == "local" else {}
            ray.init(address=target, logging_level=logging.WARNING, **extra)
            failure = None
        except (ConnectionError, RuntimeError, ValueError, OSError) as exc:
            failure = exc
        noise = captured.read()
    if failure is None:
        sys.stderr.write(noise)  # nothing hidden when it worked
        if target == "local":
            stop_autoscaler()
        return True
    where = target or "auto"
    if "InvalidAuthToken" in noise or "Unauthenticated" in noise:
        raise ClusterError(
            f"the Ray cluster at {where} wants token authentication: set RAY_AUTH_MODE=token (and the "
            "cluster's token in ~/.ray/auth_token or RAY_AUTH_TOKEN)"
        )
    raise ClusterError(f"cannot join the Ray cluster ({where}): {str(failure).splitlines()[0]}")


def stop_autoscaler() -> None:
    """Stop the autoscaler monitor of the local cluster this process started: a cluster one run made on
    its own machine has nothing to scale, and the monitor would cost the run's exit 1 s.  Ray's shutdown
    sends it SIGTERM after stopping the raylet and the GCS, and its handler (reporting its own end to the
    GCS) outlasts the 1 s Ray waits before SIGKILL (measured, Ray 2.60: ``ray.shutdown()`` 1.36 s, of which
    the monitor 1.01 s).  Killed now, it also leaves the cores to the run.  A Ray release without this
    process table keeps its monitor."""
    try:
        from ray._private import ray_constants, worker

        infos = worker._global_node.all_processes.get(ray_constants.PROCESS_TYPE_MONITOR, [])
    except (ImportError, AttributeError):
        return
    for info in infos:
        if info.process.poll() is None:
            info.process.kill()
            try:
                info.process.wait(timeout=5.0)  # bounded: a process in uninterruptible sleep is left to Ray
            except subprocess.TimeoutExpired:
                pass


def describe_cluster() -> str:
    """``address: N node(s), C CPUs, K NPUs (F free)`` of the joined cluster, for the log."""
    import ray

    total, free = ray.cluster_resources(), ray.available_resources()
    nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
    parts = [f"{nodes} node(s)"]
    for name in ("CPU", NPU):
        if total.get(name):
            parts.append(f"{total[name]:g} {name}s ({free.get(name, 0):g} free)")
    try:
        address = ray.get_runtime_context().gcs_address
    except AttributeError:  # another Ray release
        address = "?"
    return f"{address}: {', '.join(parts)}"


def get_placed(ray: Any, ref: Any, what: str, resources: dict[str, Any]) -> Any:
    """``ray.get(ref)`` for work that waits for the cluster to give it ``resources``: a line every
    :data:`PLACE_NOTICE_S` seconds while it waits, :class:`ClusterError` after :data:`PLACE_TIMEOUT_S`."""
    waited = 0.0
    while True:
        ready, _ = ray.wait([ref], timeout=PLACE_NOTICE_S)
        if ready:
            return ray.get(ref)
        waited += PLACE_NOTICE_S
        free = ray.available_resources()
        have = ", ".join(f"{k} {free.get(k, 0):g}" for k in ("CPU", NPU))
        if waited >= PLACE_TIMEOUT_S:
            ray.cancel(ref, force=True)
            raise ClusterError(
                f"the Ray cluster gave {what} no {resources} in {PLACE_TIMEOUT_S:g} s (free now: {have}); "
                "other jobs may hold them (`ray status`)"
            )
        say(f"Ray: waited {waited:g} s for {what} {resources} (free now: {have})")


def _is_this_machine(host: str) -> bool:
    try:
        address = socket.gethostbyname(host)
    except OSError:
        return False
    if address.startswith("127."):
        return True
    try:
        import ray.util

        mine = {socket.gethostbyname(socket.gethostname()), ray.util.get_node_ip_address()}
    except OSError:
        return False
    return address in mine


def _token_auth_like_ray_auto() -> None:
    """For a cluster on this machine, what ``ray.init("auto")`` does: with ``RAY_AUTH_MODE`` unset and a
    token in ``~/.ray/auth_token`` (``ray start`` enables token authentication then), send it.  Ray does
    not do this for an explicit address, which may be another machine's."""
    try:
        from ray._private.authentication.authentication_token_setup import (
            maybe_enable_token_auth_if_token_available,
        )
    except ImportError:  # another Ray release: leave authentication to Ray
        return
    quiet = logging.getLogger(maybe_enable_token_auth_if_token_available.__module__)
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its "token authentication is enabled" warning is not news here
    try:
        maybe_enable_token_auth_if_token_available(warn_if_disabled=False)
    finally:
        quiet.setLevel(level)


class _Captured:
    def __init__(self, file: Any) -> None:
        self.file = file

    def read(self) -> str:
        self.file.seek(0)
        return self.file.read().decode(errors="replace")


@contextmanager
def _stderr_captured() -> Iterator[_Captured]:
    """File descriptor 2 goes to a temporary file (Ray's C++ client logs a line a second while it
    retries a cluster that refuses it): the caller reports one line instead."""
    sys.stderr.flush()
    with tempfile.TemporaryFile() as tmp:
        try:
            saved = os.dup(2)
        except OSError:  # no file descriptor 2: nothing to capture
            yield _Captured(tmp)
            return
        os.dup2(tmp.fileno(), 2)
        try:
            yield _Captured(tmp)
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


@dataclass(frozen=True)
class ActorPlan:
    """How many actors, and what each asks Ray for."""

    actors: int
    npu: bool
    num_cpus: float

    def remote_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"num_cpus": self.num_cpus}
        if self.npu:
            args["resources"] = {NPU: 1}
        return args


def plan_actors(devices: int | None, actor_cpus: float | None = None) -> ActorPlan:
    """One actor per NPU when the cluster has NPUs (all of them by default), else CPU actors on the host
    runtime (one per node by default).  :class:`ResourceError` when the cluster cannot hold them."""
    import ray

    if devices is not None and devices < 1:
        raise ResourceError(f"devices must be >= 1, got {devices}")
    total = ray.cluster_resources()
    npus = int(total.get(NPU, 0))
    cpus = float(total.get("CPU", 0))
    if npus > 0:
        count = npus if devices is None else devices
        if count > npus:
            raise ResourceError(f"--devices {count} asks for more NPUs than the Ray cluster has ({npus})")
        plan = ActorPlan(count, True, NPU_ACTOR_CPUS if actor_cpus is None else actor_cpus)
    else:
        per_actor = HOST_ACTOR_CPUS if actor_cpus is None else actor_cpus
        nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
        fit = int((cpus - DECODE_CPUS) // per_actor) if per_actor > 0 else nodes
        plan = ActorPlan(max(1, min(nodes, fit)) if devices is None else devices, False, per_actor)
    need = plan.actors * plan.num_cpus + DECODE_CPUS
    if need > cpus:
        what = "NPU actors" if plan.npu else "host-runtime actors (the cluster has no NPU)"
        raise ResourceError(
            f"{plan.actors} {what} at {plan.num_cpus:g} CPU each plus {DECODE_CPUS:g} for reading need "
            f"{need:g} CPUs; the Ray cluster has {cpus:g}"
        )
    return plan
