"""Tests of the `opora` command line (a package: its module names repeat those of other folders)."""
