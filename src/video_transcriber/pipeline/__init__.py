"""One media file → one transcript: the speech map (decode + VAD at once), the chunk plan, the
chunk tasks handed to a `ChunkExecutor`, and stitching their results in time order.

The executor is a seam (`chunk_executor.ChunkExecutor`): this package says what work there is and
never how it runs; `executors/` implements it. Knows nothing of the job store or the service.
"""
