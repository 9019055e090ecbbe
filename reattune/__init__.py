"""reattune: help couples notice emotional distance early and reconnect."""

__version__ = "0.1.0"
