"""Drone (`.drone.yml`) and Woodpecker (`.woodpecker.yml`, `.woodpecker/*.yml`) pipelines.

The two share their step model (Woodpecker began as a fork of Drone 0.8): each step names an
image the runner pulls when the step starts, services run beside the steps, `commands:` run
in the step's container. `common` holds the shared reader and `${VAR}` substitution; `drone`
and `woodpecker` are the kinds.
"""
