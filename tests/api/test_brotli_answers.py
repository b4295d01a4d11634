"""Brotli-encoded answers from an ATS (or a proxy in front of it) that ignores our `Accept-Encoding: identity`: decoded
as gzip and deflate are, under the same bound on the DECODED bytes. Before, `br` was kept as its compressed bytes
(no decoder was installed), so Ashby's `{"success": true}` read as not an answer and a delivered update was retried.
"""

from __future__ import annotations

import tracemalloc
import zlib

import brotli

from api import egress_decoding
from api.integrations import ashby_answers
from tests.api.integration_support import send_to_encoded_answer

SUCCESS = b'{"results": {}, "success": true}'


def _bomb(decoded_mib: int) -> bytes:
    """`{"results": {"pad": "000..."}, "success": true}` with `decoded_mib` MiB of zeros: a few hundred bytes."""
    packer = brotli.Compressor(quality=5)
    parts = [packer.process(b'{"results": {"pad": "')]
    block = b"0" * (1024 * 1024)
    parts += [packer.process(block) for _ in range(decoded_mib)]
    parts += [packer.process(b'"}, "success": true}'), packer.finish()]
    return b"".join(parts)


async def test_a_brotli_answer_is_decoded_and_read_as_ashbys_answer() -> None:
    reply = await send_to_encoded_answer(brotli.compress(SUCCESS), "br", ashby_answers.MAX_BYTES)
    assert (reply.body, reply.truncated) == (SUCCESS, False)
    assert ashby_answers.verdict(reply) is ashby_answers.Verdict.ACCEPTED


async def test_a_brotli_bomb_is_cut_at_the_bound_like_a_gzip_one() -> None:
    bomb = _bomb(64)
    assert len(bomb) < 4096  # 64 MiB decoded from a few hundred bytes
    reply = await send_to_encoded_answer(bomb, "br", ashby_answers.MAX_BYTES)
    assert reply.status_code == 200 and reply.truncated
    assert len(reply.body) == ashby_answers.MAX_BYTES
    assert reply.body.startswith(b'{"results": {"pad": "000')
    # Ashby's 2xx whose `success` lies past what we read: delivered, as for a long plain answer.
    assert ashby_answers.verdict(reply) is ashby_answers.Verdict.UNCONFIRMED


async def test_a_brotli_bomb_under_another_coding_is_cut_at_the_bound_too() -> None:
    # Brotli inside gzip: each stage is bounded, not only the last one.
    packer = zlib.compressobj(wbits=zlib.MAX_WBITS | 16)
    body = packer.compress(_bomb(64)) + packer.flush()
    reply = await send_to_encoded_answer(body, "br, gzip", 4096)
    assert reply.truncated and len(reply.body) == 4096


def test_decoding_a_brotli_bomb_never_holds_more_than_one_buffer_past_the_bound() -> None:
    # The decoder is asked for the room left, not for everything the input holds: 256 MiB of output never exists.
    bomb = _bomb(256)
    decoder = egress_decoding.Decoder("br", 4096)
    tracemalloc.start()
    try:
        out = decoder.feed(bomb) + decoder.feed(bomb[:0])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(out) == 4096 and decoder.full
    assert peak < 1024 * 1024
