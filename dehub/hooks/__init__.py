"""Entry points that pre-commit, CI and editors call (installed as `dehub.hooks`)."""
