"""Terraform for `make setup`: which binary, and a CLI config that works offline."""
