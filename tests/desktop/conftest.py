"""The desktop launcher tests need no Qt and no fixtures beyond pytest's own."""
