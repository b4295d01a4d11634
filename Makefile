# One command each: run the system, run the tests, run the checks.
.PHONY: setup dev test check bench

# pytest-xdist workers for `make test` (each runs its own PostgreSQL cluster and judge pool).
TEST_WORKERS ?= 3

setup:
	@bash scripts/setup.sh

dev: setup
	bash scripts/build-web.sh
	.venv/bin/shadows dev

test: setup
	.venv/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile

check: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy && bash scripts/build-web.sh check

bench: setup
	.venv/bin/python -m bench
