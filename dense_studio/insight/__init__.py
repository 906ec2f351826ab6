"""What happens inside the network, as numbers (numpy only, no Qt).

The window's "Inside" views (``dense_studio.ui.inside``) only draw what these modules
compute, so every number on screen can be checked against the engine in plain tests:

* :mod:`network` — an immutable copy of a model's Dense layers (safe to hand to a thread);
* :mod:`layer_math` — x, W, b, z = x·W + b and a = activation(z) for one input, per layer,
  and one unit's incoming weights and strongest weight × input contributions;
* :mod:`weight_images` — the first layer's incoming weights as 28×28 images;
* :mod:`diagram` — which units a diagram of a wide layer shows ("+N more");
* :mod:`evaluation` — the test split: confusion matrix, per-class accuracy, mistakes;
* :mod:`history` — the weights kept per epoch within a memory budget, and the recorder
  that fills it from a session's events.
"""
