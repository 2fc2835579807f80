"""hireport: a self-hosted recruitment platform that speaks the PageUp, Gupy, LinkedIn and Connect APIs."""

__version__ = "0.1.0"
