"""Parity's command-line choices, kept apart so ``cloudfn --help`` does not import the runner."""

EVENT_TIMEOUT_S = 10.0  # per event and side
PARITY_TRANSPORTS = ("https", "tcb")  # how the Python port reaches the emulator
