"""The sealed control channel (engine/execution/protocol.py): what is believed, what is refused.

Unit tests, no kernel: a line counts only when it is sealed with the kernel's key for this
direction; anything else is tampering, however the bytes arrive (one read or several).
"""

from __future__ import annotations

import pytest

from engine.execution.protocol import (
    TO_LECTIO,
    TO_WORKER,
    Tampering,
    new_key,
    opener,
    sealer,
)

KEY = new_key()
REPLY = {"id": 3, "status": "ok", "display": "tensor(48.)"}


def test_a_sealed_reply_is_believed_in_one_read_or_byte_by_byte() -> None:
    line = sealer(KEY, TO_LECTIO)(REPLY)
    assert opener(KEY, TO_LECTIO)(line) == [REPLY]
    feed = opener(KEY, TO_LECTIO)
    received = [message for byte in line for message in feed(bytes([byte]))]
    assert received == [REPLY]


def test_several_lines_in_one_read_and_a_line_split_across_reads() -> None:
    seal = sealer(KEY, TO_LECTIO)
    first, second = seal({"id": 1}), seal({"id": 2})
    feed = opener(KEY, TO_LECTIO)
    assert feed(first + second[:10]) == [{"id": 1}]
    assert feed(second[10:]) == [{"id": 2}]
    assert feed(first + second) == [{"id": 1}, {"id": 2}]


def _forged(line: bytes) -> bytes:
    """The same line with one character of its JSON changed (the mac kept)."""
    mac, _, body = line.partition(b" ")
    return mac + b" " + body.replace(b"ok", b"no", 1)


@pytest.mark.parametrize(
    "line",
    [
        _forged(sealer(KEY, TO_LECTIO)(REPLY)),  # tampered after sealing
        sealer(new_key(), TO_LECTIO)(REPLY),  # sealed with another kernel's key
        sealer(KEY, TO_WORKER)(REPLY),  # a request reflected as a reply
        b"0" * 32 + b' {"id": 3, "status": "ok"}\n',  # a guessed mac
        b'{"id": 3, "status": "ok"}\n',  # not sealed at all
        b"\n",  # an empty line
    ],
    ids=["tampered", "other-key", "reflected", "guessed-mac", "unsealed", "empty"],
)
def test_a_line_not_sealed_with_the_key_for_this_direction_is_tampering(line: bytes) -> None:
    with pytest.raises(Tampering):
        opener(KEY, TO_LECTIO)(line)
    feed = opener(KEY, TO_LECTIO)  # the same bytes arriving in two reads
    with pytest.raises(Tampering):
        feed(line[:5])
        feed(line[5:])


def test_a_forged_line_after_a_good_one_in_the_same_read_is_tampering() -> None:
    seal = sealer(KEY, TO_LECTIO)
    with pytest.raises(Tampering):
        opener(KEY, TO_LECTIO)(seal({"id": 1}) + _forged(seal(REPLY)))
