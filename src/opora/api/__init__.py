"""HTTP API over a workspace (FastAPI)."""

from opora.api.app import create_app

__all__ = ["create_app"]
