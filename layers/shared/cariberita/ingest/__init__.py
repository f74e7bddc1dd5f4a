"""Streaming ingestion of editors' S3 uploads: bulk indexing, newer-wins, deletes, reports."""
