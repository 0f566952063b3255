"""Stage 3: state-text panels built from the feature tables, which the models compare."""
