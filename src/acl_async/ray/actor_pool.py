"""A pool of :class:`.actor.ClassifyActor` actors fed batches of local picture paths directly, without Ray
Data: the engine of runs on a cluster this run started itself (``--ray local``), where Ray Data's fixed
costs are the per-node efficiency a run pays.

Ray Data starts three helper actors of its own (statistics, autoscaling coordinator, actor locations),
each in a new worker process, before the pool's actor, and a scheduling thread in the driver: measured
(``classify --ray local``, 300 and 3000 JPEGs, 2 vCPUs) 2.7-3.2 s between ``ray.init`` returning and the
classifying actor's ``__init__``.  Here the actors are created as soon as the run's checks have passed, in
the workers ``ray.init`` prestarted, and every actor has :data:`IN_FLIGHT` batches queued, so it starts
the next batch the moment it returns one.

Fault tolerance, as Ray Data's pool gives it: the actors are created with ``max_restarts=-1`` and their
calls with ``max_task_retries=-1`` (Ray restarts a killed actor process and runs the batches it held
again); an actor destroyed for good (``ActorDiedError``: killed without restart, or its ``__init__`` failed)
is replaced by a new one and its batches are submitted again, up to :data:`INIT_DEATHS_PER_ACTOR` deaths
per actor of the pool in a row (no batch finished in between) before the run fails.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["IN_FLIGHT", "INIT_DEATHS_PER_ACTOR", "ActorPool"]

log = logging.getLogger("acl_async")

#: Batches queued on each actor at once: one running, one waiting (the actor never waits for the driver).
IN_FLIGHT = 2
#: Consecutive deaths of actors tolerated, per actor of the pool, before the run fails.
INIT_DEATHS_PER_ACTOR = 3


class ActorPool:
    """``actors`` ClassifyActor actors with ``remote_args`` (their resources), constructed with
    ``kwargs``; :meth:`start` creates them (returns at once), :meth:`run` classifies batches of paths and
    returns the results (one per batch: :meth:`.actor.ClassifyActor.classify`'s columns), :meth:`close`
    kills the actors."""

    def __init__(self, ray: Any, actors: int, remote_args: dict[str, Any], kwargs: dict[str, Any]) -> None:
        from .actor import ClassifyActor

        self.ray = ray
        self.size = actors
        self.kwargs = kwargs
        options = {**remote_args, "max_restarts": -1, "max_task_retries": -1}
        self.cls = ray.remote(ClassifyActor).options(**options)
        self.actors: list[Any] = []

    def start(self) -> None:
        """Create the actors (Ray starts them, and they load the model, while the caller goes on)."""
        while len(self.actors) < self.size:
            self.actors.append(self.cls.remote(**self.kwargs))

    def ready(self) -> list[Any]:
        """One call per actor that returns once it has loaded its model (Ray runs an actor's calls in
        order, so its batches come after it)."""
        self.start()
        return [actor.ready.remote() for actor in self.actors]

    def run(
        self, batches: Iterable[Sequence[str]], on_batch: Callable[[int], None] | None = None
    ) -> list[Any]:
        """Classify ``batches`` (lists of paths; taken one at a time, as actors have room for them, so a
        lazy iterable may share its paths with another worker): the batches' results, in completion order.
        ``on_batch`` gets the number of pictures of each batch as it completes."""
        from ray.exceptions import ActorDiedError

        self.start()
        source = iter(batches)
        taken: list[Sequence[str]] = []  # every batch taken from ``source``, by index
        todo: collections.deque[int] = collections.deque()  # batches to send again (their actor died)
        pending: dict[Any, tuple[int, int]] = {}  # call -> (actor slot, batch index)
        results: list[Any] = []
        deaths = 0

        def next_index() -> int | None:
            if todo:
                return todo.popleft()
            batch = next(source, None)
            if batch is None:
                return None
            taken.append(batch)
            return len(taken) - 1

        def submit(slot: int) -> None:
            while sum(1 for s, _ in pending.values() if s == slot) < IN_FLIGHT:
                index = next_index()
                if index is None:
                    return
                pending[self.actors[slot].classify.remote(list(taken[index]))] = (slot, index)

        for slot in range(len(self.actors)):
            submit(slot)
        while pending:
            ready, _ = self.ray.wait(list(pending), num_returns=1)
            slot, index = pending.pop(ready[0])
            try:
                result = self.ray.get(ready[0])
            except ActorDiedError as exc:
                deaths += 1
                if deaths > INIT_DEATHS_PER_ACTOR * self.size:
                    raise
                log.warning("Ray: actor %d died (%s); starting another", slot, str(exc).splitlines()[0])
                todo.appendleft(index)
                for call, (s, i) in list(pending.items()):  # the dead actor's other batches, in order
                    if s == slot:
                        del pending[call]
                        todo.appendleft(i)
                self.ray.kill(self.actors[slot], no_restart=True)
                self.actors[slot] = self.cls.remote(**self.kwargs)
                submit(slot)
                continue
            deaths = 0
            results.append(result)
            if on_batch is not None:
                on_batch(len(taken[index]))
            submit(slot)
        return results

    def close(self) -> None:
        """Kill the actors now (their processes exit without waiting for a graceful shutdown)."""
        for actor in self.actors:
            try:
                self.ray.kill(actor, no_restart=True)
            except Exception:  # noqa: BLE001 - already gone
                pass
        self.actors.clear()
