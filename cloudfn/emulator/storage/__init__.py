"""Cloud storage in the emulator: the file model, the platform's storage actions, the object URLs."""
