# One command each: run the system, run the tests, run the checks.
.PHONY: setup dev test check bench

setup:
	@bash scripts/setup.sh

dev: setup
	bash scripts/build-web.sh
	.venv/bin/shadows dev

test: setup
	.venv/bin/python -m pytest

check: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy && bash scripts/build-web.sh check

bench: setup
	.venv/bin/python -m bench
