"""Realtime (optional): the WebSocket client for an AsyncAPI document."""
