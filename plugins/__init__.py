"""Built-in ecoute plugins; each module registers itself through the ecoute hooks."""
