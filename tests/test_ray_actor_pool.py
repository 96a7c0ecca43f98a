"""The actor pool of runs on a cluster they started (acl_async.ray.actor_pool), against a stand-in for
Ray that records what is asked of it: the actors exist before any batch is sent, each has two batches
queued (it never waits for the driver), a destroyed actor is replaced and its batches sent again, and
the engine is chosen as documented."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("ray")
from ray.exceptions import ActorDiedError  # noqa: E402

from acl_async.ray import actor_pool, pipeline  # noqa: E402


class Call:
    def __init__(self, actor: FakeActor, paths: list[str]) -> None:
        self.actor, self.paths = actor, paths


class FakeActor:
    def __init__(self, ray: FakeRay, n: int) -> None:
        self.ray, self.n, self.dead = ray, n, False
        self.classify = self  # actor.classify.remote(paths)

    def remote(self, paths: list[str]) -> Call:
        call = Call(self, paths)
        self.ray.log.append(("call", self.n, tuple(paths)))
        return call


class FakeRay:
    """``ray.remote(cls).options(...).remote(**kw)`` makes FakeActors; ``wait`` completes the oldest
    call; ``get`` returns its paths, or raises ActorDiedError for an actor marked dead."""

    def __init__(self) -> None:
        self.log: list[tuple] = []
        self.given: dict[str, Any] = {}
        self.actors: list[FakeActor] = []
        self.on_wait: Any = None

    def remote(self, cls: type) -> FakeRay:
        return self

    def options(self, **kw: Any) -> FakeRay:
        self.given = kw
        return self

    def make(self, **kw: Any) -> FakeActor:
        actor = FakeActor(self, len(self.actors))
        self.actors.append(actor)
        self.log.append(("actor", actor.n))
        return actor

    def wait(self, refs: list[Call], num_returns: int = 1) -> tuple[list[Call], list[Call]]:
        if self.on_wait is not None:
            self.on_wait(self)
        self.log.append(("wait", len(refs)))
        return refs[:1], refs[1:]

    def get(self, call: Call) -> list[str]:
        if call.actor.dead:
            raise ActorDiedError()
        return call.paths

    def kill(self, actor: FakeActor, no_restart: bool = False) -> None:
        actor.dead = True
        self.log.append(("kill", actor.n))


def _pool(ray: FakeRay, actors: int) -> actor_pool.ActorPool:
    pool = actor_pool.ActorPool.__new__(actor_pool.ActorPool)
    pool.ray, pool.size, pool.kwargs, pool.actors = ray, actors, {}, []
    pool.cls = type("Cls", (), {"remote": staticmethod(ray.make)})
    return pool


def test_actors_created_first_and_two_batches_queued_on_each():
    ray = FakeRay()
    pool = _pool(ray, 2)
    pool.start()
    assert ray.log == [("actor", 0), ("actor", 1)]  # created before any batch exists
    batches = [[f"p{i}"] for i in range(7)]
    done = pool.run(batches)
    assert sorted(map(tuple, done)) == sorted(map(tuple, batches))  # every batch once
    first_wait = next(i for i, e in enumerate(ray.log) if e[0] == "wait")
    queued = [e[1] for e in ray.log[:first_wait] if e[0] == "call"]
    assert queued == [0, 0, 1, 1]  # IN_FLIGHT = 2 per actor before the driver waits for anything
    assert len([e for e in ray.log if e[0] == "actor"]) == 2  # no actor made by run()


def test_destroyed_actor_replaced_and_its_batches_sent_again():
    ray = FakeRay()
    pool = _pool(ray, 1)

    def kill_first(r: FakeRay) -> None:  # actor 0 destroyed for good before it returns anything
        if r.actors[0].dead is False and r.on_wait is not None:
            r.actors[0].dead = True
            r.on_wait = None

    ray.on_wait = kill_first
    batches = [["a"], ["b"], ["c"]]
    done = pool.run(batches)
    assert sorted(map(tuple, done)) == [("a",), ("b",), ("c",)]
    assert len(ray.actors) == 2 and not ray.actors[1].dead
    sent_again = [e[2] for e in ray.log if e[0] == "call" and e[1] == 1]
    assert sorted(sent_again) == [("a",), ("b",), ("c",)]  # the dead actor's batches, then the rest


def test_actors_dying_every_time_fail_the_run():
    ray = FakeRay()
    pool = _pool(ray, 1)

    def kill_all(r: FakeRay) -> None:
        for a in r.actors:
            a.dead = True

    ray.on_wait = kill_all
    with pytest.raises(ActorDiedError):
        pool.run([["a"]])
    assert len(ray.actors) == 1 + actor_pool.INIT_DEATHS_PER_ACTOR


def test_close_kills_the_actors():
    ray = FakeRay()
    pool = _pool(ray, 2)
    pool.start()
    pool.close()
    assert [e for e in ray.log if e[0] == "kill"] == [("kill", 0), ("kill", 1)]


def test_engine_actors_on_a_cluster_the_run_started_with_local_files_only():
    assert pipeline.choose_engine(None, fresh=True, remote=False) == pipeline.ACTORS
    assert pipeline.choose_engine(None, fresh=True, remote=True) == pipeline.DATA
    assert pipeline.choose_engine(None, fresh=False, remote=False) == pipeline.DATA
    assert pipeline.choose_engine(pipeline.ACTORS, fresh=False, remote=False) == pipeline.ACTORS
    with pytest.raises(ValueError, match="local files only"):
        pipeline.choose_engine(pipeline.ACTORS, fresh=True, remote=True)


def test_pool_actors_restart_and_retry():
    """Killed actor processes are restarted by Ray and their batches run again (Ray Data's defaults)."""
    ray = FakeRay()
    actor_pool.ActorPool(ray, 1, {"num_cpus": 0.25}, {})
    assert ray.given == {"num_cpus": 0.25, "max_restarts": -1, "max_task_retries": -1}
