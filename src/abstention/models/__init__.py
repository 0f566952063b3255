"""Stage 3: the analysis panel, model specifications, estimators and inference."""
