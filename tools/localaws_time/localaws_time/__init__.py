"""Schedules that fire on a controllable clock, for the project's local AWS (LocalStack 4.8.1)."""
