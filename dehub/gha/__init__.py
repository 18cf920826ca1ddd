"""GitHub Actions: workflows and action metadata (see `document` for the model they share)."""
