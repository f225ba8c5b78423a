"""Saved layouts of the run and compare pages, per project (and per user in the team profile)."""
