"""Shared helpers of the integration tests: the deployed stack, polling, signed HTTP."""
