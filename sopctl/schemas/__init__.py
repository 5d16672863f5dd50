"""Pydantic models of the YAML files. Unknown keys are rejected everywhere."""

from .charter import Charter
from .cycle import Cycle

__all__ = ["Charter", "Cycle"]
