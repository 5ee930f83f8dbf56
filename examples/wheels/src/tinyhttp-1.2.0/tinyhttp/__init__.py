"""A tiny HTTP client facade for the examples (no network: it only builds requests)."""
from .request import Request

__all__ = ["Request", "get"]


def get(url, headers=None):
    return Request("GET", url, headers or {})
