#!/usr/bin/env bash
# Idempotent set-up: system packages (only when missing), a pinned uv, and the locked virtual environment.
# Safe to run on every `make` invocation; does nothing when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.8
# command-to-check -> Debian package that provides it
declare -A NEED=(
  [bwrap]=bubblewrap
  [/usr/lib/postgresql/15/bin/postgres]=postgresql-15
  [/usr/bin/python3]=python3
  [javac]=openjdk-17-jdk-headless
  [node]=nodejs
  [g++]=g++
  [/usr/lib/x86_64-linux-gnu/libportaudio.so.2]=libportaudio2
  [npm]=npm
  [chromium]=chromium
  # The PDF's fonts (api/templates/report.css): DejaVu, then CJK and colour emoji for what DejaVu lacks.
  [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]=fonts-dejavu-core
  [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]=fonts-noto-cjk
  [/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf]=fonts-noto-color-emoji
  [redis-server]=redis-server
  [espeak-ng]=espeak-ng
)
missing=()
for probe in "${!NEED[@]}"; do
  if [[ "$probe" == /* ]]; then [[ -e "$probe" ]] || missing+=("${NEED[$probe]}")
  else command -v "$probe" >/dev/null 2>&1 || missing+=("${NEED[$probe]}"); fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# A pinned uv in a private tools venv (never inside .venv, which `uv sync` keeps exact).
if [[ ! -x .tools/bin/uv ]] || [[ "$(.tools/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]]; then
  echo "setup: installing uv $UV_VERSION"
  python3 -m venv .tools
  .tools/bin/pip install -q --disable-pip-version-check "uv==$UV_VERSION"
fi

# The locked environment. --frozen: the lockfile is the truth; a stale lock fails here instead of drifting.
# --compile-bytecode: the packages' bytecode is written once here (about 10 s on 2 cores), so that no process
# compiles them again on import, even where PYTHONDONTWRITEBYTECODE is set (a second here when nothing changed).
UV_PYTHON_DOWNLOADS=never .tools/bin/uv sync --frozen --quiet --python python3 --compile-bytecode

# The judge's per-host build caches (C++ precompiled headers, Java runtime); quick when already built.
if ! .venv/bin/python -m judge prepare >/dev/null; then
  echo "setup: could not prepare the judge's build caches now; the first C++/Java run will build them" >&2
fi
