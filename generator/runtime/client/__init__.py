"""Client: assembles settings, auth and the pipeline for a generated client."""
