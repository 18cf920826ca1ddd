"""`python -m dehub` runs the `dehub` command."""

from dehub.hooks.cli import main

raise SystemExit(main())
