"""The system of record: SQLAlchemy models, Alembic migrations and the outbox of domain events.

It knows nothing of Flask; the web app, the graph projector and the command line all use it.
"""
