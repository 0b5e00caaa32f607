"""What an index is on disk: the Whoosh schema, the build stamp (and the arrays beside it)."""
