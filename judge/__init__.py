"""The code judge: `judge.service.Judge` runs candidate code against a question's tests (see docs/judge.md)."""
