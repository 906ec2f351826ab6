"""Where the Keras layer's randomness comes from: one generator, reseeded by
``keras.utils.set_random_seed``.

As in Keras, a model gets fresh random initial weights (and a fresh shuffling order in
``fit``) unless the script fixed the seed; the engine itself takes explicit seeds, so each
build and each ``fit`` draws one from here.
"""

from __future__ import annotations

import random

import numpy as np

from dense_studio.errors import ConfigError

_generator = np.random.default_rng()


def set_random_seed(seed) -> None:
    """Seed Python's ``random``, numpy's global generator and Dense Studio's (Keras's
    ``keras.utils.set_random_seed``): the same script then gives the same run."""
    global _generator
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ConfigError(f"Expected `seed` argument to be an integer. Received: seed={seed!r}")
    if seed < 0:
        raise ConfigError(f"Expected `seed` argument to be a non-negative integer. Received: seed={seed}")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    _generator = np.random.default_rng(int(seed))


def draw_seed() -> int:
    """A seed for one engine build or one ``fit`` run."""
    return int(_generator.integers(2**32))
