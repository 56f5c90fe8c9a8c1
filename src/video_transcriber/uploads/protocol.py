"""The few pieces of the tus wire format that the server and the `upload` client share, with
nothing behind them (no store, no disk): the protocol version and reading a header's number."""

from __future__ import annotations

TUS_VERSION = "1.0.0"
"""The tus protocol version spoken (the `Tus-Resumable` header on every `/files` response)."""


def whole_number(value: str) -> int | None:
    """`value` as a whole number if it is one written in ASCII digits, else None.

    `str.isdigit` also takes '²' (latin-1 `\\xb2`, which a header may carry), which `int` refuses;
    `int` also refuses more digits than Python converts (`sys.get_int_max_str_digits`)."""
    if not (value.isascii() and value.isdigit()):
        return None
    try:
        return int(value)
    except ValueError:
        return None
