"""The conversation a model turn sees, bounded in size (in English characters' worth of tokens).

Each message is bounded (typed ones at 4,000 characters, agent.turns; spoken ones at 6,000 in what a request gets,
agent.speech_budget), but messages, code views and tool outputs accumulate: a script typing into the chat for the
whole interview would make every later request larger than the model's context (each one failing, and each one
paid for in full). Past ``limit`` (counted by ``text_size``) the oldest conversation items are left out of the
request; the leading instructions always stay, and the cut never starts on a tool output without its call. The agent's
own conversation and the event log keep everything.

A realtime model (no llm_node) gets the same bound through its session before every reply it is asked for
(agent.realtime, agent.phase_agent ``sync_realtime_context``).
There a spoken turn is audio the server keeps, and our copy of it is a message without text: it counts as
``UNSEEN_ITEM_CHARS``, so that a long spoken interview is bounded too, not only a typed one.

The bound is meant in tokens, what a model's context holds and a request costs, counted without a tokenizer (tiktoken
is no runtime dependency, and its encodings are fetched at run time) by ``text_size``: an ASCII character counts one
(English prose is about 4.7 characters a token in ``o200k_base``, code about 3.7, so the default 300,000 is some
65,000 to 80,000 tokens, as before), any other character ``2 * its UTF-8 bytes - 1``: 3 for Cyrillic, Greek, Arabic,
Hebrew or accented Latin, 5 for CJK, kana, Hangul, Devanagari or Thai, 7 for an emoji or a rare CJK ideograph. A
character then counts at least as many units a token as English code does (3.7) in ordinary text of every script
measured (Chinese 7.2, emoji with their joiners and modifiers 4.3, Russian 10), so a history in any language is cut
at the tokens of the same bound in English or fewer. Random characters count fewer (1.7 units a token at the least,
random ASCII 1.35 with either unit). ``python -m bench history_tokens`` measures it. Counted in characters, 300,000
characters of Chinese were some 210,000 tokens, of emoji 460,000.
"""

from __future__ import annotations

from livekit.agents import llm

# A message whose content we hold no text of (a realtime audio turn without a transcript, an image). OpenAI counts
# 1 token per 100 ms of input audio, about 4 characters: this is some 20 seconds of speech.
UNSEEN_ITEM_CHARS = 800


def text_size(text: str) -> int:
    """``text``'s size in English characters' worth of tokens: its length when it is ASCII, else each character
    counts ``2 * (its UTF-8 bytes) - 1`` (a lone surrogate as 3 bytes)."""
    if text.isascii():
        return len(text)
    return 2 * len(text.encode("utf-8", "surrogatepass")) - len(text)


def item_chars(item: llm.ChatItem) -> int:
    """``item``'s size as ``bounded_history`` counts it (``text_size``)."""
    if isinstance(item, llm.ChatMessage):
        text = item.text_content
        return text_size(text) if text else UNSEEN_ITEM_CHARS
    if isinstance(item, llm.FunctionCall):
        return text_size(item.arguments or "")
    if isinstance(item, llm.FunctionCallOutput):
        return text_size(item.output or "")
    return 0


def _is_instructions(item: llm.ChatItem) -> bool:
    return isinstance(item, llm.ChatMessage) and item.role in ("system", "developer")


def bounded_history(ctx: llm.ChatContext, limit: int) -> llm.ChatContext:
    """``ctx`` itself when it fits in ``limit`` (``item_chars``: characters of English, more for other text), else a
    copy without its oldest conversation items."""
    sizes = [item_chars(i) for i in ctx.items]
    total = sum(sizes)
    if total <= limit:
        return ctx
    items = list(ctx.items)
    head = 0
    while head < len(items) and _is_instructions(items[head]):
        head += 1
    cut = head
    last = len(items) - 1  # the newest item (the turn being answered) always stays
    while cut < last and (total > limit or items[cut].type in ("function_call", "function_call_output")):
        total -= sizes[cut]
        cut += 1
    out = ctx.copy()
    out.items[:] = items[:head] + items[cut:]
    return out
