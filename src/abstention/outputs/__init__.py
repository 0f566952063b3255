"""Stage 4: figures, LaTeX tables, paper macros and the paper's checks."""
