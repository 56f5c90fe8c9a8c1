"""Persistence of jobs: the job store (SQLAlchemy 2; SQLite by default, PostgreSQL when scaled
out), its tables and migrations, the job state machine, keyword lists and the full-text index.

Depends only on `domain`, `errors` and `config`; the pipeline, executors and job lifecycle sit
above it and nothing here imports them.
"""
