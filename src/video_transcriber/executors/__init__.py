"""What runs chunk tasks: the warm local pool of model-holding processes (fair across jobs), or
Celery workers anywhere on the network, chosen by `choice.make_executor`.

Implements `pipeline.chunk_executor.ChunkExecutor`; imports the pipeline's task types, never the
job store or the job lifecycle.
"""
