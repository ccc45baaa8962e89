"""The API registry (specs from the top-level schemas/), request validation and the call pipeline."""
