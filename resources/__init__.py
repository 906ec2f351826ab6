"""Bundled, read-only data shipped with Dense Studio (see README.md here)."""
