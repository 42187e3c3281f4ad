"""The checkpoints' posts (two checkpoints, the checkpoint persona posted at G104) for the
person file's passages."""

from tests.checkpoints.conftest import posts

__all__ = ["posts"]
