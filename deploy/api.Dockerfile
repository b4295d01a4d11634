# syntax=docker/dockerfile:1
# The API (`shadows api`) and the job worker (`shadows worker`: same image, other command), with the built web client.
# Runs code through a judge service (SHADOWS_JUDGE_BACKEND=remote) or Judge0; the in-process `local` judge needs
# the runtimes and bubblewrap of deploy/judge.Dockerfile. Build from the repository root:
#   docker build -f deploy/api.Dockerfile -t shadows-api .

FROM node:22-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never PYTHONUNBUFFERED=1
ARG UID=10001
# Headless Chromium prints report PDFs (api/pdf.py) with the fonts its stylesheet names (api/templates/report.css):
# DejaVu, then Noto CJK and Noto Color Emoji for what DejaVu lacks (about 100 MB of the image; docs/deployment.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid "${UID}" --shell /usr/sbin/nologin shadows
WORKDIR /app
# Dependencies first: a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY api/ api/
COPY judge/ judge/
COPY grader/ grader/
COPY agent/ agent/
COPY questions/ questions/
COPY prompts/ prompts/
COPY supabase/ supabase/
COPY --from=web /src/web/dist web/dist
RUN uv sync --frozen --no-dev && chown -R shadows /app/.venv
USER ${UID}
ENV PATH=/app/.venv/bin:$PATH SHADOWS_API_DATA_DIR=/tmp/shadows
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["shadows", "api", "--host", "0.0.0.0", "--port", "8000"]
