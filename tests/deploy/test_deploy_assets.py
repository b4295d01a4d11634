"""What can be verified here of deploy/ without a container engine or a cluster: the Dockerfiles pass hadolint,
compose.yaml validates against the Compose Specification's JSON schema (vendored: compose-spec.json, from
compose-spec/compose-spec at 170098ba), the Kubernetes manifests validate strictly against Kubernetes 1.31's schemas
(kubernetes-validate), the alert rules and dashboard queries parse as PromQL, and every metric they name exists on
the live endpoints: the API's /metrics, `shadows worker`'s metrics port and the agent worker's metrics port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import promql_parser
import pytest
import yaml
from kubernetes_validate import validate as k8s_validate

from tests.conftest import CLIENT_TLS, ApiServer, StartWorker, free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S_VERSION = "1.31.0"
METRIC = re.compile(r"\b((?:shadows|lk_agents)_[a-z0-9_]+)\b")
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def _rules() -> list[dict[str, Any]]:
    doc = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule for group in doc["groups"] for rule in group["rules"]]


def _dashboard_exprs() -> list[str]:
    doc = json.loads((DEPLOY / "grafana" / "shadows-dashboard.json").read_text())
    return [t["expr"] for p in doc["panels"] for t in p["targets"]]


def _named_metrics() -> set[str]:
    exprs = [r["expr"] for r in _rules()] + _dashboard_exprs()
    return {m for e in exprs for m in METRIC.findall(e)}


def _exposed(text: str, name: str) -> bool:
    """A sample of `name`, or a declared family it belongs to (labelled series appear once used)."""
    if re.search(rf"^{re.escape(name)}[{{ ]", text, re.MULTILINE):
        return True
    family = name
    for suffix in SUFFIXES:
        family = family.removesuffix(suffix)
    return f"# TYPE {family} " in text or f"# TYPE {name} " in text  # an unused counter declares `x_total`


def test_dockerfiles_pass_hadolint() -> None:
    binary = Path(sys.executable).parent / "hadolint"
    files = sorted(DEPLOY.glob("*.Dockerfile"))
    assert [f.name for f in files] == ["agent.Dockerfile", "api.Dockerfile", "judge.Dockerfile"]
    done = subprocess.run(
        [binary, "--config", DEPLOY / ".hadolint.yaml", *files], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    agent = (DEPLOY / "agent.Dockerfile").read_text()
    assert "USER ${UID}" in agent and "download-files" in agent and "uv sync --frozen" in agent
    judge = (DEPLOY / "judge.Dockerfile").read_text()
    assert "bubblewrap" in judge and "seccomp" in judge and "judge serve" in judge


def test_the_judge_image_installs_every_runtime_the_judge_runs_by_default() -> None:
    # The base image's Python is in /usr/local; the judge runs candidates' code with the binaries its settings name,
    # from Debian's packages (a judge image without /usr/bin/python3 could run no Python at all).
    from judge.settings import JudgeSettings

    packages = {
        "/usr/bin/bwrap": "bubblewrap",
        "/usr/bin/python3": "python3",
        "/usr/bin/node": "nodejs",
        "/usr/bin/java": "openjdk-17-jdk-headless",
        "/usr/bin/javac": "openjdk-17-jdk-headless",
        "/usr/bin/g++": "g++",
    }
    defaults = JudgeSettings.model_fields
    binaries = {name: defaults[name].default for name in defaults if name.endswith("_bin")}
    assert set(binaries.values()) == set(packages), binaries
    judge = (DEPLOY / "judge.Dockerfile").read_text()
    installs = " ".join(
        line for line in judge.replace("\\\n", " ").splitlines() if "apt-get install" in line
    ).split()
    for binary, package in packages.items():
        assert package in installs, (binary, package)


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "bad.Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /app && pip install x\n")
    binary = Path(sys.executable).parent / "hadolint"
    done = subprocess.run(
        [binary, "--config", DEPLOY / ".hadolint.yaml", bad], capture_output=True, timeout=60
    )
    assert done.returncode != 0


def test_compose_file_is_valid_and_runs_the_whole_stack() -> None:
    schema = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    validator = jsonschema.Draft7Validator(schema)
    validator.validate(compose)
    services = compose["services"]
    assert {"livekit", "postgres", "redis", "api", "worker", "judge", "agent"} <= set(services)
    for name, svc in services.items():
        assert not svc.get("privileged"), name
        for dep in svc.get("depends_on", {}):
            assert dep in services, (name, dep)
    assert "seccomp:unconfined" in services["judge"]["security_opt"]
    assert services["agent"]["environment"]["SHADOWS_AGENT_API_URL"] == "http://api:8000"
    assert services["worker"]["command"] == ["shadows", "worker"]
    # A crashed or rebooted service comes back by itself; the one-shot migration does not run again.
    assert {n for n, svc in services.items() if svc.get("restart") == "unless-stopped"} == set(services) - {
        "migrate"
    }
    with pytest.raises(jsonschema.ValidationError):  # the schema does reject a broken file
        validator.validate({"services": {"api": {"image": 3, "restart": "sometimes"}}})


@pytest.mark.parametrize("manifest", sorted((DEPLOY / "k8s").glob("*.yaml")), ids=lambda p: p.name)
def test_kubernetes_manifests_validate_strictly(manifest: Path) -> None:
    docs = [d for d in yaml.safe_load_all(manifest.read_text()) if d]
    assert docs
    for doc in docs:
        k8s_validate(doc, K8S_VERSION, strict=True)


def test_kubernetes_validation_rejects_unknown_fields() -> None:
    doc = yaml.safe_load((DEPLOY / "k8s" / "worker.yaml").read_text())
    doc["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    with pytest.raises(Exception, match=r"imagePullPolicyy|Additional properties"):
        k8s_validate(doc, K8S_VERSION, strict=True)


def _by_kind(name: str) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()) if d}


def test_kubernetes_agent_judge_and_api_placement() -> None:
    agent = _by_kind("agent.yaml")["Deployment"]["spec"]["template"]["spec"]
    assert agent["terminationGracePeriodSeconds"] >= 45 * 60 + 15 * 60, "an interview must be able to finish"
    judge = _by_kind("judge.yaml")["Deployment"]["spec"]["template"]["spec"]
    assert judge["nodeSelector"] == {"shadows.dev/userns": "true"}
    assert judge["securityContext"]["seccompProfile"]["type"] == "Unconfined"
    assert not judge["containers"][0]["securityContext"].get("privileged")
    api = _by_kind("api.yaml")
    labels = api["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert api["Service"]["spec"]["selector"].items() <= labels.items()
    port_names = {p["name"] for p in api["Deployment"]["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert {p["targetPort"] for p in api["Service"]["spec"]["ports"]} <= port_names
    # Requests the load balancer still routes to a stopping replica are served, not refused, and then drained.
    pod = api["Deployment"]["spec"]["template"]["spec"]
    delay = pod["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert 5 <= delay <= pod["terminationGracePeriodSeconds"] - 15


def test_kubernetes_submit_hosts_never_share_a_node_with_run_hosts() -> None:
    # A node's page cache outlives a Submit's process: a run host's pod on the same node could read hidden inputs.
    from judge.settings import JudgeSettings

    def component(name: str) -> str:
        return str(
            _by_kind(name)["Deployment"]["spec"]["template"]["metadata"]["labels"][
                "app.kubernetes.io/component"
            ]
        )

    def avoided(name: str) -> set[str]:
        terms = _by_kind(name)["Deployment"]["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
        required = terms["requiredDuringSchedulingIgnoredDuringExecution"]
        assert {t["topologyKey"] for t in required} == {"kubernetes.io/hostname"}
        return {t["labelSelector"]["matchLabels"]["app.kubernetes.io/component"] for t in required}

    runs, submits = component("judge.yaml"), component("judge-submit.yaml")
    assert runs != submits
    assert submits in avoided("judge.yaml") and runs in avoided("judge-submit.yaml")
    assert (
        _by_kind("judge-submit.yaml")["Service"]["spec"]["selector"]["app.kubernetes.io/component"] == submits
    )
    [config] = [
        d["data"]
        for d in yaml.safe_load_all((DEPLOY / "k8s" / "config.yaml").read_text())
        if d and d["metadata"]["name"] == "shadows-config"
    ]
    settings = JudgeSettings(  # type: ignore[call-arg]  # pydantic-settings kwarg
        _env_file=None,
        remote_urls=config["SHADOWS_JUDGE_REMOTE_URLS"],
        remote_submit_urls=config["SHADOWS_JUDGE_REMOTE_SUBMIT_URLS"],
    )
    assert settings.remote_submit_hosts == ["http://shadows-judge-submit:8080"]


def test_livekit_toml_names_a_project_and_an_agent() -> None:
    import tomllib

    doc = tomllib.loads((ROOT / "livekit.toml").read_text())
    assert doc["project"]["subdomain"] and doc["agent"]["id"].startswith("CA_")


def test_alert_rules_parse_and_cover_what_an_operator_pages_on() -> None:
    rules = _rules()
    names = {r["alert"] for r in rules}
    assert {
        "ShadowsAgentTurnLatencyHigh",
        "ShadowsJudgeSaturated",
        "ShadowsGradingLagging",
        "ShadowsWebhookFailureRate",
        "ShadowsWorkerLanesRestarting",
        "ShadowsJobsLeftRunning",
        "ShadowsGradingsFailed",
        "ShadowsJobsFailed",
        "ShadowsQueueBacklog",
    } <= names
    for rule in rules:
        promql_parser.parse(rule["expr"])
        assert rule["labels"]["severity"] in ("page", "warn"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
    with pytest.raises(ValueError):
        promql_parser.parse("sum(rate(shadows_x_total[5m])")  # the parser does reject a broken query


def test_dashboard_queries_parse() -> None:
    exprs = _dashboard_exprs()
    assert len(exprs) >= 10
    for e in exprs:
        promql_parser.parse(e.replace("$__rate_interval", "5m"))


async def test_every_api_and_worker_metric_named_exists_on_the_live_endpoints(
    api_server: ApiServer, start_worker: StartWorker
) -> None:
    named = _named_metrics()
    worker_side = {m for m in named if m.startswith(("shadows_webhook_", "shadows_worker_"))}
    api_side = {
        m
        for m in named
        if not m.startswith(("shadows_agent_", "shadows_llm_", "lk_agents_", "shadows_worker_"))
    }
    assert "shadows_judge_queue_depth" in api_side and "shadows_grading_lag_seconds" in api_side
    text = (await api_server.client.get("/metrics")).text
    missing = sorted(m for m in api_side if not _exposed(text, m))
    assert not missing, missing
    port = free_port()
    start_worker(SHADOWS_WORKER_METRICS_PORT=str(port))
    async with httpx.AsyncClient(timeout=30) as client:
        worker_text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    assert "shadows_worker_lane_restarts_total" in worker_side, (
        "an operator is told of a lane that keeps restarting"
    )
    assert not [m for m in worker_side if not _exposed(worker_text, m)]


def test_every_agent_metric_named_exists_on_the_agent_workers_metrics_port(tmp_path: Path) -> None:
    """The real `python -m agent start` (LiveKit unreachable: it keeps retrying, its HTTP servers are up)."""
    agent_side = {m for m in _named_metrics() if m.startswith(("shadows_agent_", "shadows_llm_"))}
    assert {"shadows_agent_turn_latency_seconds_bucket", "shadows_llm_tokens_total"} <= agent_side
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "LIVEKIT_", "OTEL_"))},
        "PYTHONPATH": str(ROOT),
        "LIVEKIT_URL": f"ws://127.0.0.1:{free_port()}",
        "LIVEKIT_API_KEY": "test-key",
        "LIVEKIT_API_SECRET": "test-secret-" + "x" * 32,
        "SHADOWS_AGENT_API_TOKEN": "t" * 40,
        "OPENAI_API_KEY": "sk-test",
        "DEEPGRAM_API_KEY": "dg-test",
        "SHADOWS_AGENT_METRICS_PORT": str(port),
        "SHADOWS_AGENT_METRICS_DIR": str(tmp_path / "metrics"),
        "SHADOWS_AGENT_QUESTIONS_DIR": str(ROOT / "questions"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent", "start"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        text = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5, verify=CLIENT_TLS).text
                if "shadows_agent_capacity" in text:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert proc.poll() is None, (proc.stderr.read() if proc.stderr else b"")[-3000:]
        missing = sorted(m for m in agent_side if not _exposed(text, m))
        assert not missing, (missing, text[:3000])
    finally:
        proc.kill()
        proc.wait(timeout=30)
