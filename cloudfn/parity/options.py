"""Parity's command-line choices, kept apart so ``cloudfn --help`` does not import the runner."""

DEFAULT_TIMEOUT_S = 10.0
TRANSPORTS = ("https", "tcb")  # how the Python port reaches the emulator
