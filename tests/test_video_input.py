"""Videos as inputs of the driver and ``classify`` (src/acl_async/video_input.py): a clip of the shipped
pictures, decoded by VDEC through pyACL, classifies every N-th frame like the same frame's pixels given as
a picture (FFmpeg's own decode through PyAV, written as PNG); a truncated clip is one line, exit != 0."""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from helpers import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent))
av = pytest.importorskip("av")
pytest.importorskip("acl")
pytest.importorskip("pyarrow")
import video_clips  # noqa: E402
from test_dvpp_preprocess import nv12_om  # noqa: E402, F401, F811 - the YUV420SP AIPP model fixture
from test_pyacl_media_values import HAS_MEDIA  # noqa: E402

from acl_async import zoo  # noqa: E402

pytestmark = pytest.mark.skipif(not HAS_MEDIA, reason="VDEC needs the host runtime's libacl_dvpp")
SIZE, REPEAT = 224, 3  # every shipped picture REPEAT times in a row


def _frames() -> list[np.ndarray]:
    from PIL import Image

    pics = [np.asarray(Image.open(p).convert("RGB").resize((SIZE, SIZE))) for p in zoo.default_pictures()]
    return [pic for pic in pics for _ in range(REPEAT)]


def _write_mp4(path: Path, frames: list[np.ndarray]) -> None:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = SIZE, SIZE, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 25)
        stream.codec_context.max_b_frames = 0
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """clip.mp4 and clip.h264 of the same frames, and FFmpeg's own decode of each frame as a PNG."""
    from PIL import Image

    d = tmp_path_factory.mktemp("video")
    frames = _frames()
    _write_mp4(d / "clip.mp4", frames)
    (d / "clip.h264").write_bytes(b"".join(video_clips.encode("libx264", frames)))
    with av.open(str(d / "clip.mp4")) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(decoded) == len(frames)
    refs = d / "refs"
    refs.mkdir()
    for i, rgb in enumerate(decoded):
        Image.fromarray(rgb).save(refs / f"frame{i:02d}.png")
    return {"mp4": d / "clip.mp4", "h264": d / "clip.h264", "refs": refs, "dir": d}


@pytest.fixture(scope="module")
def reference(clips: dict[str, Path], cache_env: dict[str, str]) -> list[int]:
    """Top-1 of every frame classified as a picture (the existing path)."""
    refs = sorted(clips["refs"].iterdir())
    r = run_cli(cache_env, str(len(refs)), "1", "4", "-i", str(clips["refs"]), "--json")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["input"] for row in rows] == [p.name for p in refs]
    top = [row["top"][0]["index"] for row in rows]
    assert len(set(top)) == 3, top  # the three pictures are told apart: the comparison means something
    return top


def _driver(env: dict[str, str], clip: Path, times: int, *extra: str) -> list[tuple[str, int]]:
    r = run_cli(env, str(times), "1", "4", "-i", str(clip), "--json", *extra)
    assert r.returncode == 0, r.stderr
    return [(row["input"], row["top"][0]["index"]) for row in map(json.loads, r.stdout.splitlines())]


@pytest.mark.parametrize("kind", ["mp4", "h264"])
def test_driver_every_frame_matches_the_picture_path(
    clips: dict[str, Path], reference: list[int], cache_env: dict[str, str], kind: str
) -> None:
    got = _driver(cache_env, clips[kind], len(reference))
    assert got == [(f"clip.{kind}#frame={i}", top) for i, top in enumerate(reference)]


def test_driver_text_lines_name_the_frame(clips: dict[str, Path], cache_env: dict[str, str]) -> None:
    r = run_cli(cache_env, "2", "1", "4", "-i", str(clips["mp4"]), "-q", "--frame-interval", "5")
    assert r.returncode == 0, r.stderr
    assert [line.split(" top 1:")[0] for line in r.stdout.splitlines()] == [
        "clip.mp4#frame=0",
        "clip.mp4#frame=5",
    ]


def test_driver_frame_interval_2(
    clips: dict[str, Path], reference: list[int], cache_env: dict[str, str]
) -> None:
    expected = [(f"clip.mp4#frame={i}", reference[i]) for i in range(0, len(reference), 2)]
    assert _driver(cache_env, clips["mp4"], len(expected), "--frame-interval", "2") == expected


def test_classify_output_rows_carry_the_frame_index(
    clips: dict[str, Path], reference: list[int], cache_env: dict[str, str]
) -> None:
    out = clips["dir"] / "rows.jsonl"
    r = run_cli(cache_env, "classify", "-i", str(clips["mp4"]), "--frame-interval", "2", "--top", "1",
                "--output", str(out), "--overwrite")  # fmt: skip
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    expected = range(0, len(reference), 2)
    assert [row["path"] for row in rows] == [f"{clips['mp4']}#frame={i}" for i in expected]
    assert [row["top_ids"][0] for row in rows] == [reference[i] for i in expected]


def test_classify_table_names_the_frames(
    clips: dict[str, Path], reference: list[int], cache_env: dict[str, str]
) -> None:
    r = run_cli(cache_env, "classify", "-i", str(clips["h264"]), "--frame-interval", "3", "--top", "1")
    assert r.returncode == 0, r.stderr
    images = [line.split()[1] for line in r.stdout.splitlines() if line.startswith("Image ")]
    assert images == [f"{clips['h264']}#frame={i}" for i in (0, 3, 6)]


@pytest.mark.parametrize("command", [[], ["classify"]])
def test_truncated_clip_is_one_line(
    clips: dict[str, Path], cache_env: dict[str, str], command: list[str]
) -> None:
    data = clips["mp4"].read_bytes()
    bad = clips["dir"] / "truncated.mp4"
    bad.write_bytes(data[: len(data) // 2])
    r = run_cli(cache_env, *command, "-i", str(bad))
    assert r.returncode != 0
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "truncated.mp4" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("kind", ["mp4", "h264"])
def test_preprocess_dvpp_frames_go_through_vpc_with_the_same_top1(
    clips: dict[str, Path], reference: list[int], cache_env: dict[str, str], nv12_om: Path, kind: str  # noqa: F811
) -> None:
    """``--preprocess dvpp``: VDEC's NV12 is cropped/resized by VPC into the AIPP model's input (other
    scores than the Pillow path's on the same model: VPC ran), top-1 of every frame as the picture path."""
    pillow = run_cli(cache_env, str(len(reference)), "1", "4", "-i", str(clips[kind]), "-m", str(nv12_om),
                     "--json")  # fmt: skip
    dvpp = run_cli(cache_env, str(len(reference)), "1", "4", "-i", str(clips[kind]), "-m", str(nv12_om),
                   "--json", "--preprocess", "dvpp")  # fmt: skip
    assert pillow.returncode == 0 and dvpp.returncode == 0, pillow.stderr + dvpp.stderr
    rows_p = [json.loads(line) for line in pillow.stdout.splitlines()]
    rows_d = [json.loads(line) for line in dvpp.stdout.splitlines()]
    assert [(r["input"], r["top"][0]["index"]) for r in rows_d] == [
        (f"clip.{kind}#frame={i}", top) for i, top in enumerate(reference)
    ]
    assert [r["top"][0]["index"] for r in rows_p] == reference
    assert [r["top"][0]["value"] for r in rows_d] != [r["top"][0]["value"] for r in rows_p]


def test_frames_are_streamed_with_back_pressure(tmp_path: Path, default_model: str) -> None:
    """A long clip is never decoded ahead of its consumer by more than ``ahead`` frames: pictures delivered
    by VDEC minus pictures consumed stays <= ahead while the frames are taken one by one (without the
    bound the sender would decode the whole clip while frame 0 is held); every frame comes, in order, and
    closing frees the pictures of frames never consumed."""
    from acl_async import Session, zoo
    from acl_async.video_input import AHEAD, Videos

    frames = 48
    clip = tmp_path / "long.h264"
    clip.write_bytes(b"".join(video_clips.encode("libx264", video_clips.frames_rgb(64, 48, frames))))
    spec = zoo.model_preprocess_spec(Path(default_model))
    ahead = 4
    assert AHEAD > 16  # above H.264's deepest reorder delay: the default never starves the decoder
    with Session(), Videos(1, ahead=ahead) as videos:
        names, worst = [], 0
        items = videos.frames(clip)
        for path in items:
            video = videos._open[0]
            worst = max(worst, video.index - len(names))  # delivered, not yet consumed
            path.load_frame(spec)  # consumes it: one more frame may be sent
            names.append(path.name)
        assert names == [f"long.h264#frame={i}" for i in range(frames)]
        assert 1 <= worst <= ahead, worst
        held = videos.frames(clip)
        first = next(held)  # a second pass: frame 0 held, never loaded
        video = videos._open[0]
        videos.close()  # stops the sender, flushes VDEC, frees what was not consumed
        assert video.live == set() and video.closed
        with pytest.raises(Exception, match="closed before this frame was used"):
            first.load_frame(spec)


def test_a_video_is_opened_once_and_its_pictures_are_reused(
    tmp_path: Path, default_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One container open per video (PyAV's stream analysis decodes pictures: the sender demuxes the same
    open container), and VDEC's output pictures go round: a 48-frame clip with ``ahead=4`` and every 2nd
    frame taken allocates at most 4 pictures (consumed and skipped frames' pictures are sent again), each
    freed once when the video ends."""
    import acl
    import av

    from acl_async import Session, zoo
    from acl_async.video_input import Videos

    frames, ahead = 48, 4
    clip = tmp_path / "long.h264"
    clip.write_bytes(b"".join(video_clips.encode("libx264", video_clips.frames_rgb(64, 48, frames))))
    spec = zoo.model_preprocess_spec(Path(default_model))
    picture = 64 * 48 * 3 // 2
    opens, pictures, freed = [], [], []
    real_open, real_malloc, real_free = av.open, acl.media.dvpp_malloc, acl.media.dvpp_free

    def malloc(size: int) -> tuple[int, int]:
        ptr, ret = real_malloc(size)
        if size == picture:
            pictures.append(ptr)
        return ptr, ret

    def free(ptr: int) -> int:
        freed.append(ptr)
        return real_free(ptr)

    monkeypatch.setattr(av, "open", lambda *a, **k: opens.append(a[0]) or real_open(*a, **k))
    monkeypatch.setattr(acl.media, "dvpp_malloc", malloc)
    monkeypatch.setattr(acl.media, "dvpp_free", free)
    names = []
    with Session(), Videos(2, ahead=ahead) as videos:
        for path in videos.frames(clip):
            path.load_frame(spec)  # consumed: its picture goes back for a later frame
            names.append(path.name)
    assert names == [f"long.h264#frame={i}" for i in range(0, frames, 2)]
    assert opens == [str(clip)]
    assert 1 <= len(pictures) <= ahead, len(pictures)
    assert sorted(p for p in freed if p in pictures) == sorted(pictures)


def test_bench_reports_decoded_frames_per_second(clips: dict[str, Path], cache_env: dict[str, str]) -> None:
    """``bench -i clip.mp4``: every frame decoded by VDEC once, every N-th inferred, both rates reported."""
    r = run_cli(cache_env, "bench", "-i", str(clips["mp4"]), "--frame-interval", "2")
    assert r.returncode == 0, r.stderr
    frames = 3 * REPEAT
    assert f"[ INFO ] Decoded frames: {frames} in " in r.stdout
    assert f"[ INFO ] Inferences: {(frames + 1) // 2}\n" in r.stdout
    rates = {line.split(":")[0]: float(line.split()[1]) for line in r.stdout.splitlines()
             if line.startswith(("Decoded:", "Throughput:"))}  # fmt: skip
    assert set(rates) == {"Decoded", "Throughput"} and rates["Decoded"] > rates["Throughput"] > 0
    assert "[ INFO ] Model run by: AsyncRunner, one stream, 8 blocks\n" in r.stdout


def test_bench_video_through_an_infer_queue(clips: dict[str, Path], cache_env: dict[str, str]) -> None:
    """``bench -i clip -api queue -nireq 3``: the frames go through an InferQueue of 3 jobs (each on its own
    stream: the model runs 3 frames at once on the host runtime), every N-th frame inferred once."""
    r = run_cli(cache_env, "bench", "-i", str(clips["mp4"]), "--frame-interval", "2", "-api", "queue",
                "-nireq", "3")  # fmt: skip
    assert r.returncode == 0, r.stderr
    frames = 3 * REPEAT
    assert "[ INFO ] Model run by: InferQueue, 3 jobs\n" in r.stdout
    assert f"[ INFO ] Decoded frames: {frames} in " in r.stdout
    assert f"[ INFO ] Inferences: {(frames + 1) // 2}\n" in r.stdout


def test_corrupt_frame_mid_stream_is_one_line_naming_it(tmp_path: Path, cache_env: dict[str, str]) -> None:
    """A frame VDEC cannot decode, found while the clip streams: one line naming ``clip#frame=5`` (exit
    1 after the results before it), or with ``--bad-input skip`` a warning and every other frame."""
    aus = video_clips.encode("libx264", video_clips.frames_rgb(160, 120, 12))
    bad = bytearray(aus[5])
    last = bad.rfind(b"\x00\x00\x01")  # its slice: NAL header kept, slice data garbage
    for i in range(last + 6, len(bad)):
        bad[i] = (i * 97 + 13) & 0xFF
    aus[5] = bytes(bad)
    clip = tmp_path / "bad.h264"
    clip.write_bytes(b"".join(aus))
    r = run_cli(cache_env, "12", "1", "4", "-i", str(clip), "-q")
    assert r.returncode == 1
    assert [line.split()[0] for line in r.stdout.splitlines()] == [f"bad.h264#frame={i}" for i in range(5)]
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert "bad.h264#frame=5: VDEC could not decode this frame" in r.stderr
    r = run_cli(cache_env, "11", "1", "4", "-i", str(clip), "-q", "--bad-input", "skip")
    assert r.returncode == 0, r.stderr
    names = [line.split()[0] for line in r.stdout.splitlines()]
    assert names == [f"bad.h264#frame={i}" for i in range(12) if i != 5]
    assert "frame=5" in r.stderr
