"""The benchmark workloads and the two apps they run against.

Every benchmark (``run.py``, ``e2e.py`` and, through the JSON fixtures this
module writes, the Rust ``core.rs``) uses the sessions defined here, so the
figures of all three describe the same payloads.

A workload is a session dict plus a *vary key*: variant ``i`` of the workload
is the same session with only that key's value changed (``vary_value(i)``).
"Cold" benchmarks rotate over ``POOL`` such variants, so every call sees a
session different from the previous one; "warm" ones repeat variant 0.

Run ``python benches/workloads.py --write-fixtures`` after changing a
workload: it rewrites ``benches/fixtures/*.json`` (the JSON stock Flask
produces for each workload and the cookie it signs), which ``core.rs``
embeds and ``run.py`` checks for staleness.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import random
import sys
import typing as t
import uuid
from pathlib import Path
from unittest import mock

from flask import Flask
from flask import request
from flask import session
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionInterface
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup

from flask_fastsession import FastSessionInterface

SECRET_KEY = "flask-fastsession benchmark key, not a secret"
#: Frozen clock for the identity checks and the fixtures (2025-01-15 12:00:00 UTC).
FROZEN_TS = 1736942400
#: Number of distinct variants a cold benchmark rotates over.
POOL = 4096
SEED = 20250115
FIXTURES = Path(__file__).resolve().parent / "fixtures"

Session = dict[str, t.Any]


@dataclasses.dataclass(frozen=True)
class Workload:
    name: str
    description: str
    session: Session
    #: Top-level key whose value differs between variants.
    vary_key: str
    #: ``vary_value(i)`` is that key's value in variant ``i`` (variant 0 is ``session``).
    vary_value: t.Callable[[int], t.Any]

    def variant(self, i: int) -> Session:
        s = dict(self.session)
        s[self.vary_key] = self.vary_value(i)
        return s

    def variants(self, n: int = POOL) -> list[Session]:
        return [self.variant(i) for i in range(n)]


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _token_variant(base: str) -> t.Callable[[int], str]:
    """Variant ``i`` of a hex token: ``i`` added to its last four hex digits
    (mod 16**4), so variants 0 to 65,535 are all distinct and 0 is ``base``."""
    last = int(base[-4:], 16)

    def vary(i: int) -> str:
        return base[:-4] + f"{(last + i) % 0x10000:04x}"

    return vary


def small() -> Workload:
    s = {"user_id": 42, "_permanent": True}
    return Workload(
        "small",
        "user_id + _permanent (2 keys)",
        s,
        "user_id",
        lambda i: 42 + i,
    )


def typical() -> Workload:
    rng = random.Random(SEED)
    csrf = _hex(rng, 40)
    s = {
        "_fresh": True,
        "_id": _hex(rng, 128),
        "_user_id": "42",
        "csrf_token": csrf,
        "_flashes": [
            ("message", "Welcome back, Ada!"),
            ("info", "You have 3 new notifications."),
            ("warning", "Your password expires in 5 days."),
        ],
        "_permanent": True,
    }
    return Workload(
        "typical",
        "Flask-Login + Flask-WTF: _fresh, _id, _user_id, csrf_token, 3 flashes",
        s,
        "csrf_token",
        _token_variant(csrf),
    )


_WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima "
    "mike november oscar papa quebec romeo sierra tango uniform victor whiskey"
).split()


def _record(rng: random.Random, i: int) -> dict[str, t.Any]:
    """One cart line. Every record has str, int, float, tuple and datetime
    values (half the datetimes naive, half aware UTC); UUIDs are on every
    3rd record, bytes and Markup each on every 4th. The JSON is ~10 KB and
    compresses to a ~3.8 KB cookie, just under the browsers' 4 KB limit."""
    added = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
        seconds=rng.randrange(365 * 86400)
    )
    if i % 2:
        added = added.replace(tzinfo=None)
    r: dict[str, t.Any] = {
        "id": 1000 + i,
        "sku": f"SKU-{rng.randrange(10**5):05d}",
        "price": round(rng.uniform(1, 500), 2),
        "qty": rng.randrange(1, 10),
        "tags": (rng.choice(_WORDS), rng.choice(_WORDS)),
        "added": added,
    }
    if i % 3 == 0:
        r["uuid"] = uuid.UUID(int=rng.getrandbits(128), version=4)
    if i % 4 == 1:
        r["blob"] = rng.randbytes(6)
    if i % 4 == 2:
        r["note"] = Markup("<em>{}</em> in stock").format(rng.choice(_WORDS))
    return r


def large() -> Workload:
    rng = random.Random(SEED + 1)
    csrf = _hex(rng, 40)
    s = {
        "_permanent": True,
        "_user_id": "42",
        "csrf_token": csrf,
        "cart": [_record(rng, i) for i in range(60)],
    }
    return Workload(
        "large",
        "60 records: str, int, float, tuple, UUID, datetime, bytes, Markup",
        s,
        "csrf_token",
        _token_variant(csrf),
    )


WORKLOADS: dict[str, t.Callable[[], Workload]] = {
    "small": small,
    "typical": typical,
    "large": large,
}


#: The ``/write`` view cycles over variants 1 to this.
WRITE_CYCLE = 0xFFFF


def make_app(interface: SessionInterface, workload: Workload | None = None) -> Flask:
    """A Flask app with the bench secret key and Flask's default session
    config, using ``interface``. With ``workload``, three views that read the
    session (``_user_id`` or ``user_id``):

    - ``/`` also sets ``workload.vary_key`` to variant ``?v=`` of it;
    - ``/read`` only reads;
    - ``/write`` also sets ``workload.vary_key`` to the next of variants 1 to
      :data:`WRITE_CYCLE` in turn (a counter per app): consecutive responses
      carry different sessions, and a session comes back only after 65,534
      others.
    """
    app = Flask("flask_fastsession_bench")
    app.config.update(SECRET_KEY=SECRET_KEY)
    app.session_interface = interface
    if workload is not None:
        values = [workload.vary_value(i) for i in range(POOL)]
        key = workload.vary_key
        vary_value = workload.vary_value
        counter = itertools.count()

        @app.route("/")
        def index() -> str:
            user = session.get("_user_id", session.get("user_id"))
            session[key] = values[int(request.args.get("v", 0))]
            return f"hello {user}"

        @app.route("/read")
        def read() -> str:
            user = session.get("_user_id", session.get("user_id"))
            return f"hello {user}"

        @app.route("/write")
        def write() -> str:
            user = session.get("_user_id", session.get("user_id"))
            session[key] = vary_value(1 + next(counter) % WRITE_CYCLE)
            return f"hello {user}"

    return app


def make_pair(workload: Workload | None = None) -> tuple[Flask, Flask]:
    """(stock app, fast app), identical except for the session interface."""
    return (
        make_app(SecureCookieSessionInterface(), workload),
        make_app(FastSessionInterface(), workload),
    )


def frozen_time(ts: int = FROZEN_TS) -> t.ContextManager[t.Any]:
    """Freezes ``time.time`` and ``datetime.now`` (freezegun) at ``ts``."""
    from freezegun import freeze_time

    return freeze_time(dt.datetime.fromtimestamp(ts, dt.timezone.utc))


def stock_json(app: Flask, s: Session) -> str:
    """The tagged JSON stock Flask writes for ``s`` in ``app``'s context."""
    iface = SecureCookieSessionInterface()
    with app.app_context():
        return iface.serializer.dumps(s)


def signing_serializer(app: Flask) -> URLSafeTimedSerializer:
    """``app.session_interface.get_signing_serializer(app)``, made in an app
    context (as Flask makes it during a request)."""
    iface = app.session_interface
    assert isinstance(iface, SecureCookieSessionInterface)
    with app.app_context():
        serializer = iface.get_signing_serializer(app)
    assert serializer is not None
    return serializer


def fixture(w: Workload) -> dict[str, t.Any]:
    """What ``core.rs`` needs for ``w``: the JSON of variant 0 and of the
    last variant, and the cookie stock signs for variant 0 at FROZEN_TS."""
    stock_app, _ = make_pair()
    serializer = signing_serializer(stock_app)
    with stock_app.app_context(), mock.patch("time.time", lambda: float(FROZEN_TS)):
        cookie = serializer.dumps(w.session)
    return {
        "workload": w.name,
        "secret_key": SECRET_KEY,
        "timestamp": FROZEN_TS,
        "pool": POOL,
        "vary_key": w.vary_key,
        "json": stock_json(stock_app, w.session),
        "json_last_variant": stock_json(stock_app, w.variant(POOL - 1)),
        "cookie": cookie,
    }


def fixture_text(w: Workload) -> str:
    return json.dumps(fixture(w), indent=1, sort_keys=True) + "\n"


def stale_fixtures() -> list[str]:
    """Names of the workloads whose fixture file is missing or out of date."""
    stale = []
    for name, make in WORKLOADS.items():
        path = FIXTURES / f"{name}.json"
        if not path.exists() or path.read_text() != fixture_text(make()):
            stale.append(name)
    return stale


def write_fixtures() -> None:
    FIXTURES.mkdir(exist_ok=True)
    for name, make in WORKLOADS.items():
        path = FIXTURES / f"{name}.json"
        path.write_text(fixture_text(make()))
        print(f"wrote {path}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-fixtures"]:
        write_fixtures()
    else:
        for name, make in WORKLOADS.items():
            w = make()
            f = fixture(w)
            print(
                f"{name:8} json {len(f['json']):5} B  cookie {len(f['cookie']):5} B  "
                f"{w.description}"
            )
