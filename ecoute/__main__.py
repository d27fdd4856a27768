"""Allow ``python -m ecoute``."""

from ecoute.engine.cli.main import main

main()
