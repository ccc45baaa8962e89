"""Fixtures for the token stores' tests (the shared ones are in tests/conftest.py)."""
