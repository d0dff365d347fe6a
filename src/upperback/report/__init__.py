"""FormReport → JSON, terminal summary, HTML report page and annotated video."""
