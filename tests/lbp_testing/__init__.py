"""Integration-test helpers: the root stack deployed into a throw-away copy."""
