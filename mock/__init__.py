"""Local mocks: Prism for every OpenAPI spec (prism.py, serve.py)."""
