"""The in-process generator: OpenVINO GenAI's continuous batching pipeline behind the Generator protocol
(GENERATION_BACKEND=openvino, the default; `engine` names it too)."""

from .generator import OpenVINOGenerator

__all__ = ["OpenVINOGenerator"]
