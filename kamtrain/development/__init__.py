"""Personal development plans: generated from the gap reports, agreed, approved, followed up and reviewed."""
