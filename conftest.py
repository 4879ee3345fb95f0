# The test cast and shared fixtures live in linkwell/testing/fixtures.py; this makes them visible to tests/ too.
pytest_plugins = ["linkwell.testing.fixtures"]
