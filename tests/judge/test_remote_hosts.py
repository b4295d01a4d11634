"""Which judge host a run tries first: the fewest runs per slot as reported (plus ours since), ties spread at random,
hosts that failed or are not ready last; and the load a response reports."""

from __future__ import annotations

from collections import Counter

from judge.backends.remote_hosts import HostTable
from judge.remote_protocol import Load


def test_the_least_loaded_host_per_slot_is_tried_first() -> None:
    table = HostTable(["http://a", "http://b", "http://c"])
    a, b, c = table.hosts
    a.reported(Load(running=4, queued=2, slots=4))  # 1.5 per slot
    b.reported(Load(running=2, queued=0, slots=1))  # 2.0
    c.reported(Load(running=1, queued=0, slots=1))  # 1.0
    assert table.best(exclude=set()) is c
    c.sent = 1  # ours since its report: 2.0
    assert table.best(exclude=set()) is a
    assert table.best(exclude={a}) in (b, c)
    c.reported(Load(running=0, queued=0, slots=1))  # a fresh report replaces what we sent
    assert c.sent == 0 and table.best(exclude=set()) is c
    assert table.best(exclude={a, b, c}) is None


def test_failed_and_unready_hosts_come_last_not_never() -> None:
    table = HostTable(["http://a", "http://b"])
    a, b = table.hosts
    a.reported(Load(running=9, queued=9, slots=1))
    b.down = True
    assert table.best(exclude=set()) is a
    a.ready = False
    assert table.best(exclude=set()) is a  # not ready beats unreachable
    assert table.best(exclude={a}) is b


def test_equal_hosts_share_the_runs() -> None:
    table = HostTable(["http://a", "http://b"])
    picks = Counter(table.best(exclude=set()).url for _ in range(400))  # type: ignore[union-attr]
    assert min(picks.values()) > 100


def test_a_response_reports_its_load_only_when_well_formed() -> None:
    assert Load.from_headers(
        {"X-Judge-Running": "1", "X-Judge-Queue-Depth": "2", "X-Judge-Slots": "4"}
    ) == Load(1, 2, 4)
    for bad in (
        {},
        {"X-Judge-Running": "1", "X-Judge-Queue-Depth": "2"},
        {"X-Judge-Running": "x", "X-Judge-Queue-Depth": "2", "X-Judge-Slots": "4"},
        {"X-Judge-Running": "-1", "X-Judge-Queue-Depth": "2", "X-Judge-Slots": "4"},
        {"X-Judge-Running": "1", "X-Judge-Queue-Depth": "2", "X-Judge-Slots": "0"},
    ):
        assert Load.from_headers(bad) is None
