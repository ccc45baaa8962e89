"""The API registry (specs from cloudfn/schemas/), request validation and the call pipeline."""
