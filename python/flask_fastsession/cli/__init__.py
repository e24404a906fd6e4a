"""``python -m flask_fastsession``: check, decode and time session cookies.

.. code-block:: text

    $ python -m flask_fastsession check [--app module:app]
    $ python -m flask_fastsession decode COOKIE [--secret KEY ...]
    $ python -m flask_fastsession bench [--quick]

``check`` verifies on this machine that the fast path writes stock Flask's
cookies byte for byte and that each loads the other's; ``decode`` shows what
a session cookie holds, using only itsdangerous's public pieces, so it works
on any Flask session cookie; ``bench`` is a quick stock-vs-fast timing.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import sys
import typing as t

from .._native_loader import native as _native
from . import bench
from . import check
from . import decode
from ._common import CHECK_SECRET as CHECK_SECRET
from ._common import FIXED_TIME as FIXED_TIME
from ._common import CLIError as CLIError
from ._common import corpus as corpus
from .bench import cmd_bench as cmd_bench
from .bench import typical_session as typical_session
from .check import cmd_check as cmd_check
from .check import deflater_summary as deflater_summary
from .check import why_not_native as why_not_native
from .check import zlib_versions as zlib_versions
from .decode import cmd_decode as cmd_decode
from .decode import decode_cookie as decode_cookie

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m flask_fastsession`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m flask_fastsession",
        description="Check, decode and time Flask session cookies with flask-fastsession.",
    )
    parser.add_argument("--version", action="version", version=f"flask-fastsession {_native.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check.add_parser(sub)
    decode.add_parser(sub)
    bench.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    :param argv: the arguments (default: ``sys.argv[1:]``).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    func = t.cast("Callable[[argparse.Namespace], int]", args.func)
    try:
        return func(args)
    except CLIError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `... | head`: stop quietly, as other tools do
        sys.stderr.close()
        return 1
