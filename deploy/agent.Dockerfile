# syntax=docker/dockerfile:1
# The interviewer worker (`python -m agent start`), after livekit-examples/agent-starter-python: uv, a non-root
# user, the model files fetched at build time. Silero's VAD (livekit-plugins-silero) and the local turn detector
# (livekit-local-inference) ship their weights inside their wheels, so `download-files` has nothing left to fetch
# today; it runs anyway so that a plugin added later gets its files at build time, never at run time.
#   docker build -f deploy/agent.Dockerfile -t shadows-agent .

FROM python:3.11-slim-bookworm
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never PYTHONUNBUFFERED=1
# gcc/g++ build the few wheels without a manylinux build; nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc g++ python3-dev \
    && rm -rf /var/lib/apt/lists/*
ARG UID=10001
RUN adduser --disabled-password --gecos "" --home /home/appuser --shell /sbin/nologin --uid "${UID}" appuser
USER ${UID}
WORKDIR /home/appuser/app
COPY --chown=appuser pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY --chown=appuser agent/ agent/
COPY --chown=appuser grader/ grader/
COPY --chown=appuser judge/ judge/
COPY --chown=appuser prompts/ prompts/
COPY --chown=appuser questions/ questions/
RUN uv sync --frozen --no-dev && .venv/bin/python -m agent download-files
ENV SHADOWS_AGENT_SPOOL_DIR=/home/appuser/spool SHADOWS_AGENT_METRICS_PORT=9464 SHADOWS_AGENT_METRICS_DIR=/tmp/agent-metrics
# 8081: livekit's health endpoint; 9464: Prometheus (turn latency, tokens, cost, interviews).
EXPOSE 8081 9464
CMD [".venv/bin/python", "-m", "agent", "start"]
