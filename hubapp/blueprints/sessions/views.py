"""Routes of this module (filled in by its issue)."""
