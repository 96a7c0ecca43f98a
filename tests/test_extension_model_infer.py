"""Model.infer after refused inputs: its private block goes back to its pool, so the next call runs
(before the engine split, a refused input kept the block and the next infer() crashed the process)."""

from __future__ import annotations

import numpy as np
import pytest

from acl_async.errors import InputError


def test_infer_after_refused_inputs(ctx) -> None:
    _, model = ctx
    for _ in range(3):
        with pytest.raises(InputError, match="expected float32"):
            model.infer(np.zeros((2,), np.int8))
    x = np.arange(16, dtype=np.float32).reshape(1, 16)
    (y,) = model.infer(x)
    np.testing.assert_array_equal(y, x + 1)
