"""GitHub Actions: workflows and action metadata (`document` reads both into `dehub.pipeline`)."""
