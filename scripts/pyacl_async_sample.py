#!/usr/bin/env python3
"""Asynchronous image classification written against pyACL (``import acl``), acl-async's own words.

It does the job of Huawei's pyACL async sample: a pool of input/output memory blocks, ``execute_async``
on one stream, a report thread started with ``acl.util.start_thread`` that runs
``acl.rt.process_report``, and a callback (``acl.rt.launch_callback``) every ``--callback_interval``
executions that prints the top-5 of each finished execution and hands its block back to the pool.
Unlike the sample, the pool applies back-pressure (any pool size works with any execution count), the
executions that do not fill a last interval are processed too, and interval 0 processes results on the
main thread after synchronizing.

Runs on the host runtime (``pip install .``; embedded EfficientNet-Lite0 and pictures by default) and,
unchanged, on an Ascend host with CANN's pyACL (give ``--model_path`` an .om there)::

    python scripts/pyacl_async_sample.py --execute_times 100 --callback_interval 1 --mem_pools 100
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections import deque
from pathlib import Path

import acl
import numpy as np

LOG = logging.getLogger("pyacl_async_sample")

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
ACL_CALLBACK_BLOCK = 1
PICTURE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


class AclFailure(RuntimeError):
    """An ACL call returned an error code."""


def check(what: str, ret: int) -> None:
    if ret != ACL_SUCCESS:
        raise AclFailure(f"{what} failed with ACL error {ret}: {acl.get_recent_err_msg()}")


class Block:
    """One execution's memory: an input dataset, an output dataset, host copies of the outputs."""

    def __init__(self, picture: np.ndarray, output_sizes: list[int]) -> None:
        self.buffers: list[int] = []  # device memory to free
        self.input = self._dataset([picture.nbytes])
        data = picture.tobytes()
        check(
            "acl.rt.memcpy",
            acl.rt.memcpy(
                self.buffers[0], len(data), acl.util.bytes_to_ptr(data), len(data), ACL_MEMCPY_HOST_TO_DEVICE
            ),
        )
        self.output = self._dataset(output_sizes)
        self.output_sizes = output_sizes
        self.execution = 0
        self.source = ""

    def _dataset(self, sizes: list[int]) -> int:
        dataset = acl.mdl.create_dataset()
        for size in sizes:
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            check("acl.rt.malloc", ret)
            self.buffers.append(ptr)
            buf = acl.create_data_buffer(ptr, size)
            _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
            check("acl.mdl.add_dataset_buffer", ret)
        return dataset

    def outputs(self) -> list[np.ndarray]:
        """The outputs, copied device -> host, as float32 arrays."""
        result = []
        for i, size in enumerate(self.output_sizes):
            buf = acl.mdl.get_dataset_buffer(self.output, i)
            host, ret = acl.rt.malloc_host(size)
            check("acl.rt.malloc_host", ret)
            try:
                check(
                    "acl.rt.memcpy",
                    acl.rt.memcpy(host, size, acl.get_data_buffer_addr(buf), size, ACL_MEMCPY_DEVICE_TO_HOST),
                )
                result.append(np.frombuffer(acl.util.ptr_to_bytes(host, size), dtype=np.float32))
            finally:
                acl.rt.free_host(host)
        return result

    def release(self) -> None:
        for dataset in (self.input, self.output):
            for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
                acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(dataset, i))
            acl.mdl.destroy_dataset(dataset)
        for ptr in self.buffers:
            acl.rt.free(ptr)


class Pool:
    """Idle blocks; take() waits (GIL released by the condition) until a callback gives one back."""

    def __init__(self, blocks: list[Block]) -> None:
        self.all = blocks
        self._idle = deque(blocks)
        self._cv = threading.Condition()

    def take(self) -> Block:
        with self._cv:
            self._cv.wait_for(lambda: bool(self._idle))
            return self._idle.popleft()

    def give_back(self, block: Block) -> None:
        with self._cv:
            self._idle.append(block)
            self._cv.notify()

    def empty(self) -> bool:
        with self._cv:
            return not self._idle


class AsyncSample:
    def __init__(
        self, args: argparse.Namespace, pictures: list[tuple[str, np.ndarray]], labels: list[str] | None
    ):
        self.args = args
        self.pictures = pictures
        self.labels = labels
        self.stop = False
        self.failures: list[BaseException] = []
        self.context = self.stream = self.model_desc = 0
        self.model_id = None

    # -- resources
    def setup(self) -> None:
        check("acl.init", acl.init())
        check("acl.rt.set_device", acl.rt.set_device(self.args.device))
        self.context, ret = acl.rt.create_context(self.args.device)
        check("acl.rt.create_context", ret)
        self.stream, ret = acl.rt.create_stream()
        check("acl.rt.create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(str(self.args.model_path))
        check("acl.mdl.load_from_file", ret)
        self.model_desc = acl.mdl.create_desc()
        check("acl.mdl.get_desc", acl.mdl.get_desc(self.model_desc, self.model_id))
        need = acl.mdl.get_input_size_by_index(self.model_desc, 0)
        for name, tensor in self.pictures:
            if tensor.nbytes != need:
                raise AclFailure(f"{name}: {tensor.nbytes} bytes, but the model's input takes {need}")
        outputs = [
            acl.mdl.get_output_size_by_index(self.model_desc, i)
            for i in range(acl.mdl.get_num_outputs(self.model_desc))
        ]
        self.pool = Pool(
            [Block(self.pictures[i % len(self.pictures)][1], outputs) for i in range(self.args.mem_pools)]
        )
        LOG.info("memory pool of %d blocks ready", self.args.mem_pools)

    def teardown(self) -> None:
        for block in getattr(self, "pool", Pool([])).all:
            block.release()
        if self.model_desc:
            acl.mdl.destroy_desc(self.model_desc)
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
        if self.stream:
            acl.rt.destroy_stream(self.stream)
        if self.context:
            acl.rt.destroy_context(self.context)
        acl.rt.reset_device(self.args.device)
        acl.finalize()

    # -- the report thread and callbacks
    def report_loop(self, args_list: list) -> None:
        context, timeout_ms = args_list
        acl.rt.set_context(context)
        while not self.stop:
            acl.rt.process_report(timeout_ms)

    def on_done(self, finished: list[Block]) -> None:
        try:
            for block in finished:
                self.print_result(block)
        except BaseException as exc:  # noqa: BLE001 - reported by run()
            self.failures.append(exc)
        finally:
            for block in finished:
                self.pool.give_back(block)

    def print_result(self, block: Block) -> None:
        from acl_async.results import format_sample_lines, top_n

        scores = block.outputs()[0]
        for line in format_sample_lines(top_n(scores, self.args.top, self.labels)):
            print(line, flush=True)

    # -- the run
    def run(self) -> None:
        interval = self.args.callback_interval
        tid, ret = acl.util.start_thread(self.report_loop, [self.context, 100])
        check("acl.util.start_thread", ret)
        check("acl.rt.subscribe_report", acl.rt.subscribe_report(tid, self.stream))
        try:
            batch: list[Block] = []
            for n in range(self.args.execute_times):
                if batch and self.pool.empty():
                    self.flush(batch)  # every block is in flight: hand the batch over now
                    batch = []
                block = self.pool.take()
                block.execution, block.source = n + 1, self.pictures[n % len(self.pictures)][0]
                check(
                    "acl.mdl.execute_async",
                    acl.mdl.execute_async(self.model_id, block.input, block.output, self.stream),
                )
                batch.append(block)
                if interval and len(batch) == interval:
                    check(
                        "acl.rt.launch_callback",
                        acl.rt.launch_callback(self.on_done, batch, ACL_CALLBACK_BLOCK, self.stream),
                    )
                    batch = []
            if batch:  # the tail that does not fill an interval
                self.flush(batch)
            check("acl.rt.synchronize_stream", acl.rt.synchronize_stream(self.stream))
        finally:
            acl.rt.synchronize_stream(self.stream)
            acl.rt.unsubscribe_report(tid, self.stream)
            self.stop = True
            acl.util.stop_thread(tid)
        if self.failures:
            raise self.failures[0]

    def flush(self, batch: list[Block]) -> None:
        """Results of `batch`: by a callback, or (interval 0) here after synchronizing."""
        if self.args.callback_interval:
            check(
                "acl.rt.launch_callback",
                acl.rt.launch_callback(self.on_done, batch, ACL_CALLBACK_BLOCK, self.stream),
            )
        else:
            check("acl.rt.synchronize_stream", acl.rt.synchronize_stream(self.stream))
            self.on_done(batch)


def load_pictures(folder: Path, model_path: Path) -> list[tuple[str, np.ndarray]]:
    from acl_async.preprocess import load_picture
    from acl_async.zoo import model_preprocess_spec

    spec = model_preprocess_spec(model_path)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in PICTURE_SUFFIXES)
    if not files:
        raise ValueError(f"no pictures ({', '.join(sorted(PICTURE_SUFFIXES))}) in {folder}")
    return [(p.name, load_picture(p, spec)) for p in files]


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", type=non_negative, default=0)
    parser.add_argument("--execute_times", type=positive, default=100)
    parser.add_argument("--callback_interval", type=non_negative, default=1)
    parser.add_argument("--mem_pools", type=positive, default=100)
    parser.add_argument(
        "--model_path",
        type=Path,
        default=None,
        help="ONNX / OpenVINO IR on the host runtime, .om on an NPU (default: the embedded model)",
    )
    parser.add_argument(
        "--images_path",
        type=Path,
        default=None,
        help="folder of pictures (default: the pictures shipped with acl_async)",
    )
    parser.add_argument("--top", type=positive, default=5, help="classes printed per result (default 5)")
    args = parser.parse_args(argv)
    if args.model_path is None or args.images_path is None:
        from acl_async import zoo

        args.model_path = args.model_path or zoo.default_model_path()
        args.images_path = args.images_path or zoo.default_pictures()[0].parent
    return args


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s]  %(message)s", stream=sys.stderr)
    args = parse_args(argv)
    try:
        from acl_async.labels import labels_for_model

        pictures = load_pictures(args.images_path, args.model_path)
        labels = labels_for_model(args.model_path)
    except (OSError, ValueError) as exc:
        print(f"pyacl_async_sample: error: {exc}", file=sys.stderr)
        return 1
    LOG.info(
        "execute times = %d, callback interval = %d, memory pool size = %d",
        args.execute_times,
        args.callback_interval,
        args.mem_pools,
    )
    sample = AsyncSample(args, pictures, labels)
    try:
        sample.setup()
        sample.run()
    except AclFailure as exc:
        print(f"pyacl_async_sample: error: {exc}", file=sys.stderr)
        return 1
    finally:
        sample.teardown()
    LOG.info("execute sample success")
    return 0


if __name__ == "__main__":
    sys.exit(main())
