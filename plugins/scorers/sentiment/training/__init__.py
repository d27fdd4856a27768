"""Training and evaluating sentiment models; imported only by ``ecoute sentiment train|eval``.

The runtime scorer and ``ecoute sentiment predict|info`` never import this package.
"""
