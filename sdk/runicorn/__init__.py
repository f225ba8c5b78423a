"""Runicorn SDK: ``import runicorn as rn``; ``rn.init(...)`` starts a run."""

__version__ = "0.6.0.dev0"
