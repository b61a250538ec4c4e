"""What a cell's number is, whichever library made the value: calamine gives Python numbers, a
table built by pandas numpy ones; both are read alike (numpy is looked at only once loaded)."""

import numpy as np
import pytest

from zhijian.engine.callcells import _digits_lost
from zhijian.engine.cells import parse_number


@pytest.mark.parametrize("value, expected", [
    (5, ("num", 5.0)), (np.int64(5), ("num", 5.0)), (np.float32(2.5), ("num", 2.5)),
    (np.float64("nan"), ("blank", None)), (True, ("bad", None)), (np.bool_(True), ("bad", None)),
])
def test_numpy_numbers_read_as_the_numbers_they_are(value, expected):
    assert parse_number(value) == expected


def test_a_numpy_id_of_sixteen_digits_lost_its_last_ones_as_a_python_one_does():
    assert bool(_digits_lost(np.float64(202611021000000000.0))) and _digits_lost(202611021000000000.0)
    assert not _digits_lost(np.int64(12345)) and not _digits_lost(12345)
