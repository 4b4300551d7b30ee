"""Starts and stops EC2 instances on time-zone-aware schedules (a small Instance Scheduler)."""
