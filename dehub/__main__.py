"""`python -m dehub` runs the `dehub` command."""

from dehub.hooks.cli import run

run()
