# One command each: run the system, run the tests, run the checks.
.PHONY: setup dev test check bench docs-examples

# pytest-xdist workers for `make test` (each runs its own PostgreSQL cluster and judge pool). Four: six on these 2 cores
# were no faster in a full run (28:04 against four's 28:06) and two tests waiting on timings failed under the load.
TEST_WORKERS ?= 4
# The tests' scratch (their PostgreSQL clusters, pytest's temporary directories, the judges' and browsers' work) on
# tmpfs when the machine has one with room: a database is copied from a template and dropped for each of about 1,900
# tests, a thousand files each time, and on a disk mounted with `discard` every file removed is a TRIM (the API's
# auth matrix spent 17 s of system CPU outside the test processes, 11 s on tmpfs). Otherwise TMPDIR, or /tmp.
TEST_TMPDIR ?= $(shell [ -w /dev/shm ] && [ "$$(df -Pk /dev/shm | awk 'NR==2 {print $$4}')" -gt 4000000 ] \
  && echo /dev/shm || echo "$${TMPDIR:-/tmp}")

setup:
	@bash scripts/setup.sh

dev: setup
	bash scripts/build-web.sh
	.venv/bin/shadows dev

# Bytecode caching stays on for the suite even where the machine sets PYTHONDONTWRITEBYTECODE: the tests start
# hundreds of Python processes (workers, replicas, judges, agents), and each would compile our modules again.
# Files run whole, longest first (tests/conftest.py, LONGEST_FIRST), so the suite does not end on one long file.
test: setup
	bash scripts/build-web.sh
	env -u PYTHONDONTWRITEBYTECODE TMPDIR=$(TEST_TMPDIR) .venv/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
	  --durations=25

check: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy && bash scripts/build-web.sh check

bench: setup
	.venv/bin/python -m bench

# Rewrite the payload examples in docs/integrations.md from what the integration tests see the code send.
docs-examples: setup
	SHADOWS_WRITE_EXAMPLES=1 .venv/bin/python -m pytest -p no:xdist -q tests/api/test_webhook_delivery.py \
	  tests/api/test_greenhouse.py tests/api/test_ashby.py -k "arrive_signed or send_test_to_patch or failing_patch or start_then_started"
