"""Running transcriptions: the pipeline, executors (local warm pool, Celery) and the job store."""
