"""Code shared by every function of the monorepo (lands under common/ in each zip)."""
from .responses import ok, error

__all__ = ["ok", "error"]
