"""Grading as functions over data: the bundle, the facts, the model call, evidence checks. No database, no HTTP."""
