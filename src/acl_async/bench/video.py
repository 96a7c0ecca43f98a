"""``acl-async bench -i clip.mp4``: a video's frames through the whole path the driver takes (VDEC decodes
while the model runs; every ``--frame-interval``-th frame preprocessed by Pillow, or by VPC with
``--preprocess dvpp``, straight into a pool block of an :class:`~acl_async.AsyncRunner` on one stream, or with
``-api queue`` of an :class:`~acl_async.InferQueue` of ``-nireq`` jobs, each on its own stream), each video
once; the report gives the frames VDEC decoded per second and the inferences per second over the same time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["VideoBench", "format_video", "run_video"]


@dataclass(frozen=True)
class VideoBench:
    decoded: int  # pictures VDEC gave (every frame, also those the interval leaves out)
    inferences: int
    seconds: float
    engine: str = ""  # what ran the model: "AsyncRunner, one stream, 8 blocks" or "InferQueue, 2 jobs"

    @property
    def decoded_fps(self) -> float:
        return self.decoded / self.seconds if self.seconds > 0 else 0.0

    @property
    def inference_fps(self) -> float:
        return self.inferences / self.seconds if self.seconds > 0 else 0.0


def run_video(
    session: object,
    model_path: Path,
    paths: Sequence[Path],
    *,
    interval: int = 1,
    decoder: str = "pillow",
    pool_size: int = 8,
    threads: int | None = None,
    api: str = "async",
    requests: int | None = None,
) -> VideoBench:
    """Every input once (videos: their frames, streamed) through the model of ``model_path``: on one
    stream through an AsyncRunner of ``pool_size`` blocks, or with ``api="queue"`` through an InferQueue of
    ``requests`` jobs (None: the device's suggested number)."""
    from ..dvpp_preprocess import decoding, with_decoder
    from ..model_io import check_model_io, describe_inputs, open_queue, picture_spec
    from ..pipeline import feed_queue, feed_runner
    from ..runner import AsyncRunner
    from ..video_input import Videos

    model = session.load_model(model_path)  # type: ignore[attr-defined]
    check_model_io(model_path, model)
    spec = with_decoder(picture_spec(model_path, describe_inputs(model)), decoder)
    done = [0]
    lock = threading.Lock()  # an InferQueue's callbacks may run on several report threads

    def count(_outputs: object, _userdata: object) -> None:
        with lock:
            done[0] += 1

    with decoding(decoder), Videos(interval) as videos:

        def inputs() -> Iterator[Path]:
            for path in paths:
                yield from videos.frames(path)

        if api == "queue":  # InferQueue: __exit__ waits for every request, then closes
            engine: Any = open_queue(model, jobs=requests or 0)
            engine.set_callback(count)
            feed, finish, what = feed_queue, engine.wait_all, f"InferQueue, {engine.jobs} jobs"
        else:
            engine = AsyncRunner(model, pool_size=pool_size, callback_interval=1, callback=count)
            feed, finish, what = feed_runner, engine.wait, f"AsyncRunner, one stream, {pool_size} blocks"
        start = time.perf_counter()
        with engine:
            feed(engine, inputs(), spec, threads=threads)
            finish()
        seconds = time.perf_counter() - start
        decoded = videos.decoded
    return VideoBench(decoded, done[0], seconds, what)


def format_video(result: VideoBench) -> list[str]:
    """The counts (``[ INFO ]`` lines, left out by ``-q``) and the two rates."""
    return [
        f"[ INFO ] Model run by: {result.engine}",
        f"[ INFO ] Decoded frames: {result.decoded} in {result.seconds:.3f} s",
        f"[ INFO ] Inferences: {result.inferences}",
        f"Decoded:    {result.decoded_fps:.2f} frames/s",
        f"Throughput: {result.inference_fps:.2f} FPS",
    ]
