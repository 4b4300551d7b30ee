"""Runs Python Lambda functions as local processes for LocalStack (no Docker)."""
