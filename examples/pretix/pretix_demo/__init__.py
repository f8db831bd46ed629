"""pretix's demo, kept outside pretix's code: its settings wrapper and its scenario."""
