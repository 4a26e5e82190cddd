"""Embedded data of the default region (processed subsets of real sources, see SOURCES.md)."""
