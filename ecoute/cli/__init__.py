"""The ecoute command line: thin wiring around the engine."""
