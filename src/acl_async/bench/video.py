"""``acl-async bench -i clip.mp4``: a video's frames through the whole path the driver takes (VDEC decodes
while the model runs; every ``--frame-interval``-th frame preprocessed by Pillow, or by VPC with
``--preprocess dvpp``, straight into a pool block of an :class:`~acl_async.AsyncRunner`), each video once;
the report gives the frames VDEC decoded per second and the inferences per second over the same time."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["VideoBench", "format_video", "run_video"]


@dataclass(frozen=True)
class VideoBench:
    decoded: int  # pictures VDEC gave (every frame, also those the interval leaves out)
    inferences: int
    seconds: float

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
) -> VideoBench:
    """Every input once (videos: their frames, streamed) through the model of ``model_path``."""
    from ..dvpp_preprocess import decoding, with_decoder
    from ..model_io import check_model_io, describe_inputs, picture_spec
    from ..pipeline import feed_runner
    from ..runner import AsyncRunner
    from ..video_input import Videos

    model = session.load_model(model_path)  # type: ignore[attr-defined]
    check_model_io(model_path, model)
    spec = with_decoder(picture_spec(model_path, describe_inputs(model)), decoder)
    done = [0]

    def count(_outputs: list, _userdata: object) -> None:
        done[0] += 1

    with decoding(decoder), Videos(interval) as videos:
        runner = AsyncRunner(model, pool_size=pool_size, callback_interval=1, callback=count)

        def inputs() -> Iterator[Path]:
            for path in paths:
                yield from videos.frames(path)

        start = time.perf_counter()
        with runner:
            feed_runner(runner, inputs(), spec, threads=threads)
            runner.wait()
        seconds = time.perf_counter() - start
        decoded = videos.decoded
    return VideoBench(decoded, done[0], seconds)


def format_video(result: VideoBench) -> list[str]:
    """The counts (``[ INFO ]`` lines, left out by ``-q``) and the two rates."""
    return [
        f"[ INFO ] Decoded frames: {result.decoded} in {result.seconds:.3f} s",
        f"[ INFO ] Inferences: {result.inferences}",
        f"Decoded:    {result.decoded_fps:.2f} frames/s",
        f"Throughput: {result.inference_fps:.2f} FPS",
    ]
