"""Files in and out: Dense Studio's own model files (``model_file``) and the tf.keras export
(``keras_export``). Plain JSON and raw arrays, validated on the way in (``npz``: archives
from strangers), written atomically (``atomic``)."""
