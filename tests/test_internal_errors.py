"""A bug in the native code (a Rust panic) is answered by stock code, and reported.

The call still succeeds (stock Flask computes it), but a ``RuntimeWarning`` naming the
call is issued once per process, so the bug shows up in logs; where warnings are errors
(this suite runs with ``filterwarnings = error``) the warning is raised, every time.

A panic is triggered with a hook of the ``testing`` cargo feature, which ``make develop``
enables and release wheels do not have: ``SessionCodec._panic_next_call()`` makes the
next native call panic where its work starts, inside the same guard as any other panic.
"""

from __future__ import annotations

import datetime as dt
import typing as t
import warnings
from collections.abc import Iterator

import pytest

from differential import FROZEN_AT
from differential import assert_native
from differential import assert_same_outcome
from differential import dumps_outcome
from differential import frozen
from differential import loads_outcome
from differential import make_pair
from differential import open_session_outcome
from flask_fastsession import _native

Codec: t.Any = _native.SessionCodec

pytestmark = pytest.mark.skipif(
    not hasattr(Codec, "_panic_next_call"),
    reason="built without the `testing` cargo feature (make develop enables it; wheels do not)",
)

VALUE = {"user": 42, "t": (1, 2), "b": b"\x00\xff"}
MESSAGE = (
    r"flask-fastsession: internal error in {call} \(panic requested by the test suite\); "
    r"stock Flask code answered this call, please report it"
)


@pytest.fixture(autouse=True)
def fresh_warning() -> Iterator[None]:
    Codec._reset_internal_error_warning()
    yield
    Codec._reset_internal_error_warning()


def test_dumps_panic_is_answered_by_stock_with_a_warning() -> None:
    pair = make_pair()
    assert_native(pair.fast)
    with frozen(FROZEN_AT):
        stock = dumps_outcome(pair.stock, VALUE)
        Codec._panic_next_call()
        with pytest.warns(RuntimeWarning, match=MESSAGE.format(call=r"SessionCodec\.dumps_for")):
            fast = dumps_outcome(pair.fast, VALUE)
    assert not stock.raised
    assert_same_outcome(stock, fast)


@pytest.mark.parametrize("via", ["serializer", "open_session"])
def test_loads_panic_is_answered_by_stock_with_a_warning(via: str) -> None:
    pair = make_pair()
    with frozen(FROZEN_AT):
        cookie = dumps_outcome(pair.stock, VALUE).value
        if via == "serializer":
            stock = loads_outcome(pair.stock, cookie)
            Codec._panic_next_call()
            with pytest.warns(RuntimeWarning, match=MESSAGE.format(call=r"SessionCodec\.loads")):
                fast = loads_outcome(pair.fast, cookie)
        else:
            stock = open_session_outcome(pair.stock, cookie)
            Codec._panic_next_call()
            with pytest.warns(RuntimeWarning, match=MESSAGE.format(call=r"SessionCodec\.loads")):
                fast = open_session_outcome(pair.fast, cookie)
    assert not stock.raised
    assert_same_outcome(stock, fast)


def test_expires_header_panic_leaves_the_date_to_stock() -> None:
    now = dt.datetime(2024, 2, 29, 12, 34, 56, tzinfo=dt.timezone.utc)
    lifetime = dt.timedelta(days=31)
    assert _native.expires_header(now, lifetime) is not None
    Codec._panic_next_call()
    with pytest.warns(RuntimeWarning, match=MESSAGE.format(call="expires_header")):
        assert _native.expires_header(now, lifetime) is None


def test_warned_once_per_process() -> None:
    pair = make_pair()
    with frozen(FROZEN_AT):
        stock = dumps_outcome(pair.stock, VALUE)
        Codec._panic_next_call()
        with pytest.warns(RuntimeWarning):
            dumps_outcome(pair.fast, VALUE)
        # The second internal error is silent (even with warnings as errors)...
        Codec._panic_next_call()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fast = dumps_outcome(pair.fast, VALUE)
    # ...and still answered by stock code.
    assert_same_outcome(stock, fast)


def test_warning_raises_where_warnings_are_errors() -> None:
    """Under ``filterwarnings = error`` (this suite, ``python -W error``) the warning is
    raised from the call, and again on the next internal error: none goes unnoticed."""
    pair = make_pair()
    with frozen(FROZEN_AT):
        for _ in range(2):
            Codec._panic_next_call()
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                fast = dumps_outcome(pair.fast, VALUE)
            assert isinstance(fast.error, RuntimeWarning), fast
            assert "internal error in SessionCodec.dumps_for" in str(fast.error)
