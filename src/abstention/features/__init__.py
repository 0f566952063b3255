"""Stage 2: country covariates measured before the invasion, and their imputation."""
