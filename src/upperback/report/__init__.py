"""FormReport → JSON, terminal summary (and, later, HTML and annotated video)."""
