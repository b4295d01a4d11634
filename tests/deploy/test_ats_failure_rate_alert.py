"""The `ShadowsAtsCallbackFailureRate` alert (deploy/prometheus/alerts.yml) evaluated over what the worker really
counts (`api.integrations.callbacks.count_call`): its expression, parsed by promql_parser, is evaluated here over
the counters' increase in each scenario (one window: a rate is the increase over the window's length, which cancels
out of a ratio). Only what the rule uses is evaluated: selectors, rate, sum by, clamp_min, `/`, `-` and `>`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml
from prometheus_client import REGISTRY

from api.integrations.callbacks import count_call

ALERTS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alerts.yml"
Series = frozenset[tuple[str, str]]
Vector = dict[Series, float]


def _rule_expr(name: str) -> str:
    doc = yaml.safe_load(ALERTS.read_text())
    (rule,) = (r for g in doc["groups"] for r in g["rules"] if r.get("alert") == name)
    return str(rule["expr"])


def _samples() -> dict[tuple[str, Series], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for metric in REGISTRY.collect()
        if metric.name in ("shadows_ats_callbacks", "shadows_ats_callback_failures")
        for s in metric.samples
        if s.name.endswith("_total")
    }


def _matches(matcher: Any, labels: dict[str, str]) -> bool:
    value = labels.get(matcher.name, "")
    if matcher.op == promql_parser.MatchOp.Equal:
        return value == matcher.value
    if matcher.op == promql_parser.MatchOp.NotEqual:
        return value != matcher.value
    hit = re.fullmatch(matcher.value, value) is not None
    return hit if matcher.op == promql_parser.MatchOp.Re else not hit


def _evaluate(node: Any, increase: dict[tuple[str, Series], float]) -> Vector | float:
    def vec(n: Any) -> Vector:
        out = _evaluate(n, increase)
        assert isinstance(out, dict), n
        return out

    if isinstance(node, promql_parser.NumberLiteral):
        return float(node.val)
    if isinstance(node, promql_parser.ParenExpr):
        return _evaluate(node.expr, increase)
    if isinstance(node, promql_parser.MatrixSelector):
        selector = node.vector_selector
        return {
            labels: v
            for (name, labels), v in increase.items()
            if name == selector.name and all(_matches(m, dict(labels)) for m in selector.matchers.matchers)
        }
    if isinstance(node, promql_parser.Call):
        if node.func.name == "rate":
            return vec(node.args[0])
        assert node.func.name == "clamp_min", node.func.name
        floor = _evaluate(node.args[1], increase)
        assert isinstance(floor, float)
        return {k: max(v, floor) for k, v in vec(node.args[0]).items()}
    if isinstance(node, promql_parser.AggregateExpr):
        assert str(node.op) == "sum" and node.modifier is not None, node
        keep = set(node.modifier.labels)
        summed: Vector = {}
        for labels, v in vec(node.expr).items():
            key = frozenset((k, x) for k, x in labels if k in keep)
            summed[key] = summed.get(key, 0.0) + v
        return summed
    assert isinstance(node, promql_parser.BinaryExpr), type(node)
    op = str(node.op)
    lhs, rhs = vec(node.lhs), _evaluate(node.rhs, increase)
    if op == ">":
        assert isinstance(rhs, float)
        return {k: v for k, v in lhs.items() if v > rhs}
    assert isinstance(rhs, dict)
    apply: Callable[[float, float], float] = (lambda a, b: a / b) if op == "/" else (lambda a, b: a - b)
    assert op in ("/", "-"), op
    return {k: apply(v, rhs[k]) for k, v in lhs.items() if k in rhs}  # one-to-one, on identical label sets


def _fires(scenario: Callable[[], None]) -> bool:
    expr = promql_parser.parse(_rule_expr("ShadowsAtsCallbackFailureRate"))
    before = _samples()
    scenario()
    increase = {k: v - before.get(k, 0.0) for k, v in _samples().items()}
    firing = _evaluate(expr, increase)
    assert isinstance(firing, dict)
    return frozenset({("provider", "ashby")}) in firing


def _rotation_mid_request() -> None:
    # The answer to the replaced key, then the call sent again at once with the new one, delivered.
    count_call("ashby", attempted=True, delivered=False, error="key_replaced", final=False)
    count_call("ashby", attempted=True, delivered=True, error=None, final=True)


def _ashby_down() -> None:
    count_call("ashby", attempted=True, delivered=False, error="http_status", final=False)
    count_call("ashby", attempted=True, delivered=True, error=None, final=True)


def _rotation_while_ashby_down() -> None:
    _rotation_mid_request()
    for _ in range(2):
        count_call("ashby", attempted=True, delivered=False, error="http_status", final=False)
    count_call("ashby", attempted=True, delivered=True, error=None, final=True)


@pytest.mark.parametrize(
    ("scenario", "fires"),
    [(_rotation_mid_request, False), (_ashby_down, True), (_rotation_while_ashby_down, True)],
)
def test_the_ats_failure_rate_leaves_out_answers_to_a_key_rotated_mid_request(
    scenario: Callable[[], None], fires: bool
) -> None:
    # Before, a rotation landing mid-request counted one failure in two attempts (50 %): the alert warned that
    # Ashby failed when it had failed nothing. Ashby's own failures still count, beside a rotation or not.
    assert _fires(scenario) is fires
