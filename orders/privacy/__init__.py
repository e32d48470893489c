"""A customer's personal data: the export, and erasure across every table that holds it."""
