"""Fixtures for the runner's tests (the shared ones are in tests/conftest.py)."""
