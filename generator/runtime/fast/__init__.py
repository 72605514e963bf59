"""Fast (optional): the aiohttp and httptools transports behind the `fast` extra."""
