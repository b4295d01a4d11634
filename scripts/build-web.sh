#!/usr/bin/env bash
# Build the candidate web client (web/ -> web/dist, served by the API at /join, /embed and /assets), or with
# `check`, run its checks instead (tsc, ESLint with typescript-eslint, Prettier; `make check` does this).
# Idempotent: `npm ci` only when node_modules is missing or package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "build-web: node/npm not found; skipping the web client build (install nodejs and npm, then re-run)." >&2
  exit 0
fi

# Vite 8 needs Node 20.19+ (Debian 12's own nodejs is 18; NodeSource or a newer distribution provides 20/22).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "build-web: node $(node --version) is too old (need 20.19 or newer); skipping the web client build." >&2
  exit 0
fi

stamp=node_modules/.package-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -d node_modules ]] || [[ ! -f "$stamp" ]] || [[ "$(cat "$stamp")" != "$want" ]]; then
  echo "build-web: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

if [[ "${1:-build}" == "check" ]]; then
  echo "build-web: checking web/ (tsc, eslint, prettier)"
  npm run --silent check
else
  echo "build-web: building web/dist"
  npm run --silent build
fi
