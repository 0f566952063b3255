"""Security ties to Russia and withheld support for UN texts on the invasion of Ukraine."""
