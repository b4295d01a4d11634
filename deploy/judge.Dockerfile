# syntax=docker/dockerfile:1
# The judge service (`shadows judge serve`, issue #13 §1): the four runtimes, bubblewrap, and the sandbox's caches.
#   docker build -f deploy/judge.Dockerfile -t shadows-judge .
#
# What the container needs from its host (the sandbox refuses to run, `judge_unavailable`, rather than run code
# unsandboxed):
# - unprivileged user namespaces: kernel.unprivileged_userns_clone=1 (Debian/Ubuntu), user.max_user_namespaces > 0,
#   and on Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile allowing bwrap;
# - a seccomp profile that allows clone/unshare with CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWNET and mount,
#   pivot_root, umount2: Docker's default profile blocks them. Run with `--security-opt seccomp=unconfined` (the
#   judge installs its own deny-list inside every sandbox, judge/seccomp.py) or a profile that adds those calls,
#   and `--security-opt apparmor=unconfined` where AppArmor confines containers; never `--privileged`;
# - per-run cgroups (memory, pids, CPU, disk reads, and the cgroup v2 group whose io.pressure keeps a program's
#   waiting for the disk off its time) need the judge to run as root with the cgroup filesystems writable; as the
#   user below it has rlimits only, and its /metrics report shadows_judge_io_wait_accounted 0 (docs/judge.md,
#   "Time" and "Limits");
# - on Kubernetes: a node whose kernel allows user namespaces (label them `shadows.dev/userns=true`) and the pod's
#   `securityContext.seccompProfile: Unconfined` (deploy/k8s/judge.yaml).

FROM python:3.11-slim-bookworm
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never PYTHONUNBUFFERED=1
# Debian's python3 runs candidates' Python (SHADOWS_JUDGE_PYTHON_BIN, /usr/bin/python3): this image's own Python is in
# /usr/local, for the judge itself.
RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap python3 nodejs openjdk-17-jdk-headless g++ \
    && rm -rf /var/lib/apt/lists/*
ARG UID=10001
RUN useradd --create-home --uid "${UID}" --shell /usr/sbin/nologin judge
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY judge/ judge/
COPY api/ api/
COPY grader/ grader/
COPY agent/ agent/
COPY questions/ questions/
RUN uv sync --frozen --no-dev && chown -R judge /app
USER ${UID}
ENV PATH=/app/.venv/bin:$PATH
# The per-host C++ precompiled header and Java runtime caches, built once into the image.
RUN python -m judge prepare
EXPOSE 8080
CMD ["shadows", "judge", "serve", "--host", "0.0.0.0", "--port", "8080"]
