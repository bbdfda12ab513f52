"""Allow `python -m briefgen`."""

from .cli import run

run()
