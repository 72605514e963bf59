"""Pipeline: the HTTP transports that apply the policies, and the client that stacks them."""
