"""`make demo`: deploy the root stack and show each scenario working."""
