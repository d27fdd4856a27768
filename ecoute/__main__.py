"""Allow ``python -m ecoute``."""

from ecoute.cli.main import main

main()
