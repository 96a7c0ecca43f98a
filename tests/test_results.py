"""acl_async.results.top_n: the classes a result line shows, in Huawei's sample's order."""

from __future__ import annotations

import numpy as np

from acl_async.results import top_n


def test_top_n_highest_first_ties_by_lower_index() -> None:
    scores = np.array([[0.1, 0.7, 0.7, 0.05, 0.7]], np.float32)
    assert [(c.rank, c.index) for c in top_n(scores, 3)] == [(1, 1), (2, 2), (3, 4)]
    assert [c.index for c in top_n(scores, 5)] == [1, 2, 4, 0, 3]  # the whole ranking too


def test_top_n_labels_and_clamp() -> None:
    scores = np.array([0.2, 0.5, 0.3], np.float32)
    best = top_n(scores, 10, ["a", "b", "c"])
    assert [(c.index, c.label) for c in best] == [(1, "b"), (2, "c"), (0, "a")]
    assert best[0].value == np.float32(0.5)
    assert [c.label for c in top_n(scores, 2, ["a"])] == [None, None]  # no label for those indices
