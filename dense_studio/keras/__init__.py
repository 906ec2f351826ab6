"""Keras's API on Dense Studio's engine: the tf.keras tutorial's model code runs with only
its imports changed (``from dense_studio import keras``), without TensorFlow.

    from dense_studio import keras
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    model = keras.Sequential([keras.layers.Flatten(input_shape=(28, 28)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train / 255.0, y_train, epochs=5)

What Keras has and Dense Studio does not (Conv2D, other losses...) raises
``NotAvailableError`` naming it. No Qt and no TensorFlow is imported here.
"""

from __future__ import annotations

from dense_studio.keras import (  # noqa: F401  (Keras's namespaces)
    activations, callbacks, datasets, layers, losses, metrics, models, optimizers, saving,
    utils,
)
from dense_studio.keras._unsupported import NotAvailableError, module_getattr
from dense_studio.keras.layers import Input, InputLayer, Layer
from dense_studio.keras.models import Sequential

__all__ = ["Input", "InputLayer", "Layer", "NotAvailableError", "Sequential", "activations",
           "callbacks", "datasets", "layers", "losses", "metrics", "models", "optimizers",
           "saving", "utils"]
__getattr__ = module_getattr("keras", __all__, "teaches Dense layers with Sequential models", package=__name__)
