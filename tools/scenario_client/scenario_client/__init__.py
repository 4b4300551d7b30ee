"""Client-side helpers shared by the demo driver and the integration tests."""
