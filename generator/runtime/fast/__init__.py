"""Fast: the httptools transports (sync and async, the clients' default I/O) and the aiohttp transport behind
the `fast` extra."""
