"""Fixtures for the transports' tests (the shared ones are in tests/conftest.py)."""
