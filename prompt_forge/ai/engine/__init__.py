"""The in-process generation engine: continuous batching over one causal LM (GENERATION_BACKEND=engine)."""

from .generator import EngineGenerator

__all__ = ["EngineGenerator"]
