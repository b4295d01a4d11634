"""`python -m api ...` is `shadows ...` (how `shadows dev` starts the worker with this interpreter)."""

from api.cli import main

main()
