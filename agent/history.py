"""The conversation a model turn sees, bounded in size.

Each message is bounded (typed ones at 4,000 characters, agent.turns; spoken ones at 6,000 in what a request gets,
agent.speech_budget), but messages, code views and tool outputs accumulate: a script typing into the chat for the
whole interview would make every later request larger than the model's context (each one failing, and each one
paid for in full). Past ``limit`` characters the oldest conversation items are left out of the request; the
leading instructions always stay, and the cut never starts on a tool output without its call. The agent's own
conversation and the event log keep everything.

A realtime model (no llm_node) gets the same bound through its session before every reply it is asked for
(agent.realtime, agent.phase_agent ``sync_realtime_context``).
There a spoken turn is audio the server keeps, and our copy of it is a message without text: it counts as
``UNSEEN_ITEM_CHARS``, so that a long spoken interview is bounded too, not only a typed one.
"""

from __future__ import annotations

from livekit.agents import llm

# A message whose content we hold no text of (a realtime audio turn without a transcript, an image). OpenAI counts
# 1 token per 100 ms of input audio, about 4 characters: this is some 20 seconds of speech.
UNSEEN_ITEM_CHARS = 800


def item_chars(item: llm.ChatItem) -> int:
    if isinstance(item, llm.ChatMessage):
        text = item.text_content
        return len(text) if text else UNSEEN_ITEM_CHARS
    if isinstance(item, llm.FunctionCall):
        return len(item.arguments or "")
    if isinstance(item, llm.FunctionCallOutput):
        return len(item.output or "")
    return 0


def _is_instructions(item: llm.ChatItem) -> bool:
    return isinstance(item, llm.ChatMessage) and item.role in ("system", "developer")


def bounded_history(ctx: llm.ChatContext, limit: int) -> llm.ChatContext:
    """``ctx`` itself when it fits in ``limit`` characters, else a copy without its oldest conversation items."""
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
