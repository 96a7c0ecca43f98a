"""``acl-async classify``: OpenVINO's ``classification_sample_async``, on AscendCL.

Reads the pictures, runs them through the model asynchronously (an :class:`~acl_async.InferQueue`, one
request per batch, completion callbacks through the report thread) and prints the sample's table for
each picture, in the order given::

    Top 10 results:

    Image cat.jpg

    classid probability label
    ------- ----------- -----
    282     0.3832451   tiger cat
    ...

Batch: all the pictures go in one request when the model's batch dimension takes them (a model whose
batch equals the number of pictures); otherwise they go in requests of the model's own (static) batch,
the last one padded by repeating its last picture (padding results are not shown).  ACL models have
static shapes, so unlike the OpenVINO sample the model is not reshaped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .model_io import (
    BatchError,
    check_batch,
    describe_inputs,
    is_picture_input,
    load_model,
    open_queue,
    picture_spec,
)
from .progress import bar
from .results import Classification, top_n

__all__ = ["PictureResult", "classify", "format_table", "results_table"]

log = logging.getLogger("acl_async")

CLASSID, PROBABILITY, LABEL = "classid", "probability", "label"


@dataclass(frozen=True)
class PictureResult:
    path: Path
    classes: list[Classification]


def format_table(results: Sequence[PictureResult], top: int, with_labels: bool) -> str:
    """The sample's output (``ClassificationResult::show``): probabilities fixed with 7 decimals."""
    lines = ["", f"Top {top} results:", ""]
    for result in results:
        lines += [f"Image {result.path}", ""]
        header = f"{CLASSID} {PROBABILITY}"
        rule = f"{'-' * len(CLASSID)} {'-' * len(PROBABILITY)}"
        if with_labels:
            header += f" {LABEL}"
            rule += f" {'-' * len(LABEL)}"
        lines += [header, rule]
        for c in result.classes:
            line = f"{c.index:<{len(CLASSID)}} {c.value:<{len(PROBABILITY)}.7f}"
            if with_labels:
                line += f" {c.label if c.label is not None else ''}"
            lines.append(line.rstrip())
        lines.append("")
    return "\n".join(lines)


def results_table(results: Sequence[PictureResult]) -> Any:
    """The results as the rows ``classify --output`` writes (the columns of the Ray pipeline's output:
    absolute path, top-k class ids, probabilities and labels); needs pyarrow."""
    import pyarrow as pa

    return pa.table(
        {
            "path": pa.array([str(r.path.absolute()) for r in results], pa.string()),
            "top_ids": pa.array([[c.index for c in r.classes] for r in results], pa.list_(pa.int64())),
            "probabilities": pa.array(
                [[c.value for c in r.classes] for r in results], pa.list_(pa.float64())
            ),
            "labels": pa.array([[c.label or "" for c in r.classes] for r in results], pa.list_(pa.string())),
        }
    )


def _chunks(count: int, batch: int) -> list[list[int]]:
    """Picture indices per request: ``batch`` each, the last padded by repeating its last index."""
    out = []
    for start in range(0, count, batch):
        chunk = list(range(start, min(start + batch, count)))
        out.append(chunk + [chunk[-1]] * (batch - len(chunk)))
    return out


def classify(
    session: object,
    model_path: Path,
    pictures: Sequence[Path],
    top: int,
    labels: Sequence[str] | None,
    *,
    decode_threads: int | None = None,
    decoder: str = "pillow",
    expand: Callable[[Path], Iterable[Path]] | None = None,
) -> tuple[list[PictureResult], int]:
    """Classify ``pictures``; returns the results (in order) and the batch used.

    The pictures are decoded on ``decode_threads`` threads (None: the default number) while the
    requests run, in order; an unreadable picture raises its one-line InputFileError. ``decoder``:
    ``pillow`` or ``dvpp`` (:mod:`acl_async.dvpp_preprocess`, a model with a YUV420SP AIPP input).
    ``expand(path)`` gives the inputs a path stands for, as they are needed (a video's frames,
    :class:`acl_async.video_input.Videos`)."""
    from .dvpp_preprocess import decoding, with_decoder
    from .pipeline import DecodeStage, check

    model = load_model(session, model_path)
    descs = describe_inputs(model)
    if not is_picture_input(descs, model_path):
        raise BatchError(f"classify needs a model with one picture input [N,3,H,W] or [N,H,W,3], not "
                         f"{[list(d.dims) for d in descs]}")  # fmt: skip
    try:
        batch = check_batch(descs, None)
    except ValueError as exc:
        raise BatchError(str(exc)) from None
    if batch != len(pictures) and expand is None:
        log.info("the model takes batch %d; %d picture(s) go in %d request(s)", batch, len(pictures),
                 -(-len(pictures) // batch))  # fmt: skip
    try:
        spec = with_decoder(picture_spec(model_path, descs), decoder)
    except ValueError as exc:
        raise BatchError(str(exc)) from None
    inputs: Iterable[Path] = pictures if expand is None else (p for path in pictures for p in expand(path))

    outputs: dict[int, np.ndarray] = {}
    names: list[Path] = []  # every input, in order (a video's frames as they come)
    lock = threading.Lock()

    def done(results: Sequence[np.ndarray], userdata: object) -> None:
        with lock:
            outputs[int(userdata)] = np.array(results[0], copy=True)  # type: ignore[call-overload]

    queue = open_queue(model, max_jobs=len(_chunks(len(pictures), batch)) if expand is None else None)
    requests = 0
    try:
        queue.set_callback(done)
        group: list[np.ndarray] = []
        with decoding(decoder), DecodeStage(inputs, spec, threads=decode_threads) as stage, \
                bar(len(pictures) if expand is None else None, "classifying", "picture") as progress:
            for item in stage:
                progress.update()
                check(item, "fatal")
                assert item.tensor is not None
                names.append(item.path)
                group.append(item.tensor)
                if len(group) == batch:
                    queue.start_async([group[0] if batch == 1 else np.concatenate(group, axis=0)], requests)
                    requests, group = requests + 1, []
            if group:
                group += [group[-1]] * (batch - len(group))  # padding, as _chunks
                queue.start_async([group[0] if batch == 1 else np.concatenate(group, axis=0)], requests)
                requests += 1
        queue.wait_all()
    finally:
        close = getattr(queue, "close", None)
        if close is not None:
            close()

    results: list[PictureResult] = []
    for n in range(requests):
        scores = outputs[n].reshape(batch, -1)
        real = min(batch, len(names) - n * batch)  # the rest is padding
        for row in range(real):
            results.append(PictureResult(names[n * batch + row], top_n(scores[row], top, labels)))
    return results, batch
