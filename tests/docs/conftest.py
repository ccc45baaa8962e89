"""Fixtures for the documentation tests (the shared ones are in tests/conftest.py)."""
