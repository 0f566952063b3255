"""Stage 1: raw files in, clean vote, sponsor and country tables out."""
