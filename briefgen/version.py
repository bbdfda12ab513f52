"""briefgen's version: one place, read by the package, the CLI, rebuild records and workers."""

__version__ = "0.1.0"
