"""Dense Studio: a desktop playground that teaches what a Dense layer does.

Kept import-free so that `dense-studio --help` starts fast.
"""

__version__ = "0.1.0"
