"""The FastAPI service: `create_app(settings)`, one router per area."""
