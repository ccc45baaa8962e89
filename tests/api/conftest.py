"""Fixtures for the call pipeline's tests (the shared ones are in tests/conftest.py)."""
