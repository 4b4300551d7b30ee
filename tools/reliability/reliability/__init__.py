"""Reliability suite support for lambda-blueprints: what went in, came out, was parked, was lost."""
