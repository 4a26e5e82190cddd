"""Allow ``python -m opora``."""

from opora.cli import main

main()
