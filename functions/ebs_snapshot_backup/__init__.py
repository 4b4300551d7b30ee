"""Scheduled EBS snapshot backups across regions, with retention, idempotence and copies."""
