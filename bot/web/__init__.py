"""The FastAPI web service: webhooks, web chat, health."""
