"""The help windows use the window tests' fixtures (tests/ui/conftest.py: offscreen Qt,
private settings, no leaked threads); nothing of their own."""
