"""Data layer: typed models, the engine/session factory and repositories (which never commit)."""
