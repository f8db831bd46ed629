"""The conference site's own app: named `builder`, as the engine's package is."""
