"""Fixtures for the command line's tests (the shared ones are in tests/conftest.py)."""
