"""The picture pipeline: DCT-scaled decoding (tolerance), decode threads (order, completeness, bounded
memory, bad input, Ctrl-C), pictures written straight into pool blocks, uint8 models."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from models import U8_MEAN, U8_STD, make_classifier_model, make_uint8_classifier_model, reference_classifier
from PIL import Image

from acl_async import AsyncRunner, preprocess, zoo
from acl_async.pipeline import BlockSlots, DecodeStage, feed_queue, feed_runner, feed_runner_cycle
from acl_async.preprocess import InputFileError, PreprocessSpec

#: Largest probability difference allowed between DCT-scaled and full-size decoding (measured: 0.086,
#: benchmarks/DECODE_TOLERANCE.md); the top-1 class must be the same.
PROB_TOLERANCE = 0.1
SMALL_SPEC = PreprocessSpec(resize=10, resize_mode="shorter", crop=8, mean=127.5, std=64.0)


def _picture(path: Path, size: tuple[int, int], seed: int, quality: int = 90) -> Path:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (6, 6, 3), dtype=np.uint8)  # smooth after upscaling, unlike noise
    Image.fromarray(small).resize(size, Image.Resampling.BICUBIC).save(path, "JPEG", quality=quality)
    return path


def _upscaled(src: Path, folder: Path, short: int) -> Path:
    with Image.open(src) as image:
        w, h = image.size
        k = short / min(w, h)
        target = folder / f"{src.stem}-{short}.jpg"
        image.convert("RGB").resize((round(w * k), round(h * k)), Image.Resampling.BICUBIC).save(
            target, "JPEG", quality=90
        )
    return target


# -- 1. DCT-scaled decoding ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def effnet(session):
    path = zoo.default_model_path()
    model = session.load_model(path)
    yield model, zoo.model_preprocess_spec(path)
    model.close()


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """The shipped pictures at sizes where each DCT scale (1, 2, 4, 8) is the one used."""
    folder = tmp_path_factory.mktemp("scaled")
    out = {}
    for src in zoo.default_pictures():
        out[(src.name, 1)] = src
        for scale in (2, 4, 8):
            out[(src.name, scale)] = _upscaled(src, folder, 256 * scale + 32)
    return out


@pytest.mark.parametrize("scale", [1, 2, 4, 8])
@pytest.mark.parametrize("name", ["cat.jpg", "coffee.jpg", "rocket.jpg"])
def test_dct_scaled_decoding_keeps_the_class(effnet, scaled, name, scale):
    model, spec = effnet
    path = scaled[(name, scale)]
    with Image.open(path) as opened:
        w, h = opened.size
        image, full = preprocess.open_picture(opened, spec)
    assert full == (w, h)
    assert round(w / image.size[0]) == scale, "decoded at another DCT scale than expected"
    tw, th = preprocess.resize_target(spec, w, h)
    assert image.size[0] >= tw and image.size[1] >= th, "decoded below the resize target"
    reference = model.infer([preprocess.load_picture(path, spec, draft=False)])[0][0]
    drafted = model.infer([preprocess.load_picture(path, spec)])[0][0]
    assert int(drafted.argmax()) == int(reference.argmax())
    assert float(np.abs(drafted - reference).max()) <= PROB_TOLERANCE


def test_dct_scaling_follows_the_exif_orientation(tmp_path):
    """Stored 2080x560, EXIF orientation 6 (shown 560x2080): a 520 wide x 140 high target must not make
    the decoder reduce the stored picture to 520x140 (shown 140x520, below the target)."""
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (2080, 560), (40, 90, 200)).save(path, "JPEG", exif=exif)
    spec = PreprocessSpec(resize=(140, 520), resize_mode="exact")
    with Image.open(path) as opened:
        image, full = preprocess.open_picture(opened, spec)
    assert full == (560, 2080)
    assert image.size[0] >= 520 and image.size[1] >= 140
    assert preprocess.load_picture(path, spec).shape == (1, 3, 140, 520)


# -- 2. decode threads ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("pictures")
    return [_picture(d / f"p{i:03d}.jpg", (20 + i, 16 + (i * 7) % 23), seed=i) for i in range(40)]


def test_decode_threads_give_every_input_in_input_order(folder):
    """Input 0 is held until input 5 is decoded: results still come in input order, each equal to the
    single-threaded result."""
    released = threading.Event()

    def load(path, out):
        if path == folder[0]:
            released.wait()
        tensor = preprocess.load_input(path, SMALL_SPEC, out=out)
        if path == folder[5]:
            released.set()
        return tensor

    items = list(DecodeStage(folder, load=load, threads=4, window=8))
    assert [item.index for item in items] == list(range(len(folder)))
    assert [item.path for item in items] == folder
    for item in items:
        np.testing.assert_array_equal(item.tensor, preprocess.load_picture(item.path, SMALL_SPEC))


@pytest.fixture(scope="module")
def classifier(session, tmp_path_factory):
    model = session.load_model(make_classifier_model(tmp_path_factory.mktemp("cls") / "cls.onnx"))
    yield model
    model.close()


def _run(model, paths, threads, bad_input="fatal", pool_size=6):
    results = {}
    with AsyncRunner(model, pool_size=pool_size) as runner:
        feed_runner(runner, paths, SMALL_SPEC, threads=threads, bad_input=bad_input)
        runner.wait()
        for result in runner.results:
            results[result.userdata] = result.outputs[0]
        order = [r.userdata for r in runner.results]
    return order, results


def test_runner_fed_by_decode_threads_equals_the_single_threaded_path(classifier, folder):
    order1, one = _run(classifier, folder, threads=1)
    order4, four = _run(classifier, folder, threads=4)
    assert order1 == order4 == folder
    for path in folder:
        np.testing.assert_array_equal(four[path], one[path])
        expected = reference_classifier(preprocess.load_picture(path, SMALL_SPEC))
        np.testing.assert_allclose(four[path], expected, atol=5e-3)


def test_pictures_are_decoded_into_the_pool_blocks(classifier, folder):
    """The decoded tensor is the block's host input memory (no intermediate array)."""
    with AsyncRunner(classifier, pool_size=4) as runner:
        stage = DecodeStage(folder[:6], SMALL_SPEC, threads=2, slots=BlockSlots(runner.pool))
        for item in stage:
            view = item.slot.input(0)
            assert np.shares_memory(item.tensor, view)
            np.testing.assert_array_equal(view, preprocess.load_picture(item.path, SMALL_SPEC))
            runner.submit_block(item.slot, item.path)
        runner.wait()
        assert [r.userdata for r in runner.results] == folder[:6]


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
def test_memory_stays_bounded_with_ten_thousand_pictures(classifier, tmp_path):
    blobs = []
    for i in range(16):
        _picture(tmp_path / "seed.jpg", (12, 12), seed=i)
        blobs.append((tmp_path / "seed.jpg").read_bytes())
    big = tmp_path / "big"
    big.mkdir()
    for i in range(10_000):
        (big / f"{i:05d}.jpg").write_bytes(blobs[i % 16])
    paths = preprocess.collect_inputs([big])
    assert len(paths) == 10_000

    window = 8
    lock = threading.Lock()
    started = [0]
    consumed = [0]
    ahead = [0]
    rss: list[int] = []

    def load(path, out):
        with lock:
            started[0] += 1
            ahead[0] = max(ahead[0], started[0] - consumed[0])
        return preprocess.load_input(path, SMALL_SPEC, out=out)

    count = [0]

    def on_batch(results):
        count[0] += len(results)

    with AsyncRunner(classifier, pool_size=6, on_batch=on_batch) as runner:
        stage = DecodeStage(paths, load=load, threads=2, window=window)  # arrays: only the window bounds
        for item in stage:
            with lock:
                consumed[0] += 1
            runner.submit([item.tensor])
            if item.index % 500 == 0:
                rss.append(_rss_bytes())
        runner.wait()
    assert count[0] == 10_000
    assert ahead[0] <= window, f"{ahead[0]} pictures decoded ahead of the consumer (window {window})"
    growth = max(rss[4:]) - rss[4]  # after warm-up
    assert growth < 32 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over 10,000 pictures"


def test_bad_picture_among_many_skip(classifier, folder, tmp_path, caplog):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8 not really a jpeg" * 10)
    paths = [*folder[:7], bad, *folder[7:20]]
    with caplog.at_level(logging.WARNING):
        order, _ = _run(classifier, paths, threads=4, bad_input="skip")
    assert order == [p for p in paths if p != bad]
    warnings = [r.getMessage() for r in caplog.records if "broken.jpg" in r.getMessage()]
    assert len(warnings) == 1 and "\n" not in warnings[0]


def test_bad_picture_among_many_fatal_keeps_what_was_done(classifier, folder, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8 not really a jpeg" * 10)
    paths = [*folder[:7], bad, *folder[7:20]]
    with AsyncRunner(classifier, pool_size=6) as runner:
        with pytest.raises(InputFileError) as info:
            feed_runner(runner, paths, SMALL_SPEC, threads=4, bad_input="fatal")
        runner.wait()
        done = [r.userdata for r in runner.results]
    assert info.value.path == bad and "broken.jpg" in str(info.value) and "\n" not in str(info.value)
    assert done == folder[:7], "results of the inputs before the bad one were lost"


def test_driver_cycle_skips_a_bad_input_once(classifier, folder, tmp_path, caplog):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"garbage")
    paths = [folder[0], bad, folder[1]]
    with caplog.at_level(logging.WARNING), AsyncRunner(classifier, pool_size=4) as runner:
        n = feed_runner_cycle(
            runner, paths, SMALL_SPEC, 9, threads=2, bad_input="skip", userdata=lambda n, item: item.path
        )
        runner.wait()
        order = [r.userdata for r in runner.results]
    assert n == 9 and order == [folder[0], folder[1]] * 4 + [folder[0]]
    assert sum("broken.jpg" in r.getMessage() for r in caplog.records) == 1
    with AsyncRunner(classifier, pool_size=4) as runner, pytest.raises(InputFileError, match="no usable"):
        feed_runner_cycle(runner, [bad], SMALL_SPEC, 3, threads=2, bad_input="skip")


def test_ctrl_c_while_decoders_are_busy(classifier, folder):
    """A decoder blocked on a gate, SIGINT: the consumer stops at once with KeyboardInterrupt, nothing
    hangs, and the blocks come back to the pool once the decoder is done."""
    entered = threading.Event()
    gate = threading.Event()

    def load(path, out):
        if path == folder[3]:
            entered.set()
            gate.wait()
        return preprocess.load_input(path, SMALL_SPEC, out=out)

    consumer_waits = threading.Event()  # item 2 handled: the consumer now waits for item 3

    def interrupt():
        entered.wait()
        consumer_waits.wait()
        os.kill(os.getpid(), signal.SIGINT)

    got = []
    with AsyncRunner(classifier, pool_size=6) as runner:
        stage = DecodeStage(folder, load=load, threads=2, window=4, slots=BlockSlots(runner.pool))
        killer = threading.Thread(target=interrupt)
        killer.start()
        with pytest.raises(KeyboardInterrupt):
            for item in stage:
                got.append(item.path)
                runner.submit_block(item.slot, item.path)
                if item.index == 2:
                    consumer_waits.set()
        killer.join()
        assert stage.closed
        assert got == folder[:3]
        gate.set()
        stage.join()
        runner.wait()
        assert runner.pool.available == runner.pool.size, "a block taken for decoding was not given back"


# -- 3. uint8 models -----------------------------------------------------------------------------------


def test_uint8_model_gets_the_decoded_pixels(session, folder, tmp_path):
    path = make_uint8_classifier_model(tmp_path / "u8.onnx")
    model = session.load_model(path)
    try:
        desc = model.inputs[0]
        spec = preprocess.spec_for_model(list(desc.shape), desc.dtype_name, None)
        assert (spec.dtype, spec.layout, spec.mean, spec.std) == ("uint8", "NHWC", (0.0,) * 3, (1.0,) * 3)
        # A metadata spec with a float mean/std (the model's own normalization) still hands pixels over.
        stored = {preprocess.METADATA_KEY: SMALL_SPEC.to_json()}
        assert preprocess.spec_for_model(list(desc.shape), "uint8", stored).mean == (0.0, 0.0, 0.0)
        spec = preprocess.spec_for_model(list(desc.shape), desc.dtype_name, stored)
        with AsyncRunner(model, pool_size=4) as runner:
            feed_runner(runner, folder[:8], spec, threads=2)
            runner.wait()
            results = runner.results
        assert [r.userdata for r in results] == folder[:8]
        for result in results:
            pixels = preprocess.load_picture(result.userdata, spec)
            assert pixels.dtype == np.uint8 and pixels.shape == (1, 8, 8, 3)
            rgb = preprocess.load_picture(result.userdata, SMALL_SPEC.replace(mean=0.0, std=1.0))
            np.testing.assert_array_equal(pixels.transpose(0, 3, 1, 2), rgb.astype(np.uint8))
            expected = reference_classifier((pixels.transpose(0, 3, 1, 2) - U8_MEAN) / U8_STD)
            np.testing.assert_allclose(result.outputs[0], expected, atol=5e-3)
    finally:
        model.close()


# -- the command line ----------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "acl_async", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_decode_threads_keep_the_order_and_the_bad_input_policy(tmp_path):
    pics = tmp_path / "pics"
    pictures = zoo.copy_default_pictures(pics)
    broken = pics / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 broken")
    one = _cli("7", "1", "4", "-i", str(pics), "--bad-input", "skip", "--json", "--decode-threads", "1")
    three = _cli("7", "1", "4", "-i", str(pics), "--bad-input", "skip", "--json", "--decode-threads", "3")
    for proc in (one, three):
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.count("broken.jpg") == 1
    lines = [json.loads(line) for line in three.stdout.splitlines() if line.startswith("{")]
    names = sorted(p.name for p in pictures)  # broken.jpg sorts first and is skipped
    assert [r["input"] for r in lines] == [names[n % 3] for n in range(7)]
    assert three.stdout == one.stdout
    fatal = _cli("7", "1", "4", "-i", str(pics), "--decode-threads", "3", "-q")
    assert fatal.returncode == 1 and "broken.jpg" in fatal.stderr
    assert len(fatal.stderr.strip().splitlines()) == 1 and "Traceback" not in fatal.stderr
    bad_flag = _cli("2", "--decode-threads", "0")
    assert bad_flag.returncode == 2 and "--decode-threads" in bad_flag.stderr


def test_cli_classify_and_bench_take_decode_threads(tmp_path):
    proc = _cli("classify", "-nt", "1", "--decode-threads", "2")
    assert proc.returncode == 0, proc.stderr
    assert [line.split()[0] for line in proc.stdout.splitlines() if line[:3].isdigit()] == [
        "285",
        "967",
        "657",
    ]
    report = tmp_path / "r.json"
    proc = _cli(
        "bench",
        "--full-pipeline",
        "-niter",
        "12",
        "--decode-threads",
        "2",
        "-q",
        "--report-json",
        str(report),
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(report.read_text())["runs"][0]["count"] == 12


def test_bench_full_pipeline_decodes_into_the_pool_blocks(classifier, folder):
    from acl_async import _acl
    from acl_async.bench.inputs import InputSource
    from acl_async.model_io import InputDesc

    pool = _acl.MemoryPool(classifier, 6)
    source = InputSource([InputDesc("input", (1, 3, 8, 8), "float32")], 1, folder[:4], SMALL_SPEC)
    try:
        assert source.start_decoding(2, BlockSlots(pool))
        for i in range(10):
            block = source.decode_block(i)
            expected = preprocess.load_picture(folder[i % 4], SMALL_SPEC)
            np.testing.assert_array_equal(block.input(0), expected)
            block.release()
    finally:
        source.stop_decoding()
        pool.close()


def test_infer_queue_fed_by_decode_threads(classifier, folder):
    from acl_async import InferQueue

    got = {}
    lock = threading.Lock()

    def done(outputs, userdata):
        with lock:
            got[userdata] = np.array(outputs[0], copy=True)

    with InferQueue(classifier, jobs=2) as queue:
        queue.set_callback(done)
        assert feed_queue(queue, folder[:12], SMALL_SPEC, threads=3) == 12
        queue.wait_all()
    assert sorted(got) == sorted(folder[:12])
    for path, probs in got.items():
        expected = reference_classifier(preprocess.load_picture(path, SMALL_SPEC))
        np.testing.assert_allclose(probs, expected, atol=5e-3)


def test_feed_queue_decodes_into_the_blocks_the_jobs_execute(classifier, folder, monkeypatch):
    """No start_async copy: every input is decoded into a block of queue.pool that a job then executes."""
    from acl_async import InferQueue

    started: list[tuple[int, int]] = []
    got = {}
    with InferQueue(classifier, jobs=2) as queue:
        assert queue.pool.size == 4  # a block per job and as many spare ones
        real = queue.start_block

        def start_block(block, userdata):
            started.append((block.index, id(userdata)))
            real(block, userdata)

        monkeypatch.setattr(queue, "start_block", start_block)
        monkeypatch.setattr(queue, "start_async", lambda *a: pytest.fail("feed_queue copied an input"))
        queue.set_callback(lambda outputs, path: got.__setitem__(path, np.array(outputs[0], copy=True)))
        assert feed_queue(queue, folder[:10], SMALL_SPEC, threads=2) == 10
        queue.wait_all()
        assert queue.pool.available == 2  # the jobs hold one block each, the rest are back
    assert len(started) == 10 and sorted(got) == sorted(folder[:10])
    for path, probs in got.items():
        np.testing.assert_allclose(
            probs, reference_classifier(preprocess.load_picture(path, SMALL_SPEC)), atol=5e-3
        )


@pytest.mark.parametrize("api", ["sync", "async", "queue"])
def test_bench_run_decodes_on_threads_into_blocks(session, tmp_path, folder, api):
    from acl_async.bench.run import BenchOptions, run_one

    model = make_classifier_model(tmp_path / "cls.onnx")
    opts = BenchOptions(model=Path(model), niter=8, full_pipeline=True, paths=folder[:5], decode_threads=2,
                        progress=False, nireq=2)  # fmt: skip
    result = run_one(api, opts, session)
    assert result.count == 8
    where = "into arrays, copied" if api == "queue" else "into pool blocks"
    assert result.extra["decoding"] == f"2 decode thread(s), {where}"


def test_sample_run_decodes_repeated_inputs_once(classifier, folder, tmp_path, monkeypatch):
    """``acl-async N 1 P`` going round its inputs decodes each once (as Huawei's sample reads its .bin
    files once), with the results the per-execution decoding gives; a bad input keeps the streaming path."""
    from acl_async import sample_run

    paths = folder[:3]
    decoded: list[Path] = []
    real = preprocess.load_input
    monkeypatch.setattr(
        preprocess, "load_input", lambda p, *a, **k: (decoded.append(Path(p)), real(p, *a, **k))[1]
    )
    got: list[tuple[int, str, np.ndarray]] = []
    handler = sample_run.ResultHandler(lambda n, name, outputs: got.append((n, name, outputs[0].copy())))
    done = sample_run.execute_paths(classifier, paths, SMALL_SPEC, 10, 4, 1, handler)
    assert done == 10 and decoded == paths  # three decodes for ten executions
    for n, name, output in got:
        path = paths[(n - 1) % 3]
        assert name == path.name
        np.testing.assert_allclose(output, reference_classifier(real(path, SMALL_SPEC)), atol=5e-3)
    assert sample_run.decode_once(paths, SMALL_SPEC, 3) is None  # no repetition: decode while running
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a picture")
    assert sample_run.decode_once([paths[0], bad], SMALL_SPEC, 10) is None
