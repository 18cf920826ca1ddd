"""dehub: find container images pulled from Docker Hub and move them to a mirror."""

__version__ = "0.1.0"
