"""gdtui: a terminal playground for gradient descent."""

__version__ = "0.1.0"
