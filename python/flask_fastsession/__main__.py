"""``python -m flask_fastsession``: see :mod:`flask_fastsession.cli`."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
