"""One reader per raw source: each returns a tidy table and stops on malformed input."""
