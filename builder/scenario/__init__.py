"""The demo scenario's Django side: the snapshot metadata and rebase rules models, the factories,
the bulk loader, the media encoders and the `create_demo_data` command (`builder/seed.py` runs it)."""
