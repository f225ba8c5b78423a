"""Team ingestion: training jobs on other machines upload their run files over HTTP (``/api/ingest/``)."""
