"""Download (optional): resumable, verified downloads of binary responses."""
