"""Auth: tokens, token providers and stores, OAuth2, and the httpx auth flow that refreshes them."""
