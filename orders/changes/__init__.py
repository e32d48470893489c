"""Changing a placed order: saving an edit, cancelling, reordering, status changes."""
