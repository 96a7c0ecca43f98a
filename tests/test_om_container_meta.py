"""The Python reader of acl-async's ``.om`` container reads its metadata as the host runtime does, and
names the file when the metadata is corrupt."""

from __future__ import annotations

import struct

import pytest

from acl_async.atc.container import MAGIC, read_container


def _container(path, meta: bytes) -> str:
    xml, weights = b"<net/>", b"\0" * 4
    path.write_bytes(struct.pack("<8sIQQ", MAGIC, len(meta), len(xml), len(weights)) + meta + xml + weights)
    return str(path)


def test_meta_split_at_newlines_only_like_the_host_runtime(tmp_path):
    path = _container(tmp_path / "m.om", b"format=acl-async-om\nsource=a\rb\n")
    c = read_container(path)
    assert c.meta == {"format": "acl-async-om", "source": "a\rb"}  # split at \n only, as om_container.cpp
    assert c.xml == b"<net/>"


def test_meta_line_without_equals_refused_like_the_host_runtime(tmp_path):
    path = _container(tmp_path / "m.om", b"format=acl-async-om\nno equals sign\n")
    with pytest.raises(ValueError, match=r"m\.om'?: corrupt \.om metadata: line 2 is not key=value"):
        read_container(path)


def test_meta_not_utf8_names_the_file(tmp_path):
    path = _container(tmp_path / "bad.om", b"format=acl-async-om\nlabels=\xff\xfe\n")
    with pytest.raises(ValueError, match=r"bad\.om.*corrupt \.om metadata") as exc:
        read_container(path)
    assert "\n" not in str(exc.value)
