"""``BatchPlan``: the model's layers run on preallocated buffers for one batch size.

Training, ``evaluate``, ``predict`` and ``compute_gradients`` all go through a plan: the
batch is copied into ``plan.x`` / ``plan.y``, ``forward()`` calls each layer's ``forward``,
``loss`` (softmax fused with the cross-entropy) gives the loss and the error at the logits,
and ``backward()`` calls each layer's ``backward`` in reverse, filling the model's gradient
buffer. Every array is allocated once, when the plan is made, so a step allocates nothing.

Two savings the plan arranges: the output layer stops at its logits ``z`` (the loss applies
the softmax, and its gradient is simply ``softmax - onehot``), and the first layer with
weights computes no ``dx`` (nothing needs the gradient of the input images).
"""

from __future__ import annotations

from typing import Iterator, Optional

import numpy as np

from dense_studio.engine.losses import SoftmaxCrossEntropy


class BatchPlan:
    """Buffers and the forward/backward pass of ``model`` for batches of ``batch`` rows.

    ``backward``: also prepare the backward pass (the model's gradient buffer must exist);
    ``rng``: apply the Dropout layers, drawing their masks from it.
    """

    def __init__(self, model, batch: int, *, backward: bool = False,
                 rng: Optional[np.random.Generator] = None) -> None:
        dtype = model.dtype
        store = model.parameters
        self.batch = batch
        self.x = np.empty((batch, model.input_size), dtype)
        self.y = np.empty(batch, np.int64)
        self.inputs = self.x.reshape(batch, *model.input_shape)  # the first layer's view of x
        layers = model.layers
        with_weights = [i for i, layer in enumerate(layers) if layer.param_shapes()]
        self.steps = []
        for index, layer in enumerate(layers):
            grads = store.grad_views_for(layer) if backward and layer.param_shapes() else None
            buffers = layer.make_buffers(batch, dtype, grads=grads, rng=rng,
                                         input_grad=index > with_weights[0],
                                         logits=index == len(layers) - 1)
            self.steps.append((layer, buffers))
        self.reversed_steps = self.steps[::-1]
        self.loss = SoftmaxCrossEntropy(self.y, model.output_units, dtype)

    def forward(self) -> np.ndarray:
        """The logits of the samples in ``x`` (each layer's ``forward`` in turn)."""
        a = self.inputs
        for layer, buffers in self.steps:
            a = layer.forward(a, buffers)
        return a

    def backward(self, dz: np.ndarray, scale: float = 1.0) -> None:
        """Each layer's ``backward`` in reverse, from the error ``dz`` at the logits, until
        a layer returns no ``dx``. ``scale`` is the factor ``dz`` carries (the loss's mean
        and the optimizer's gradient factor), which the L2 gradients need too."""
        d = dz
        for layer, buffers in self.reversed_steps:
            d = layer.backward(d, buffers, scale)
            if d is None:
                return

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays this plan allocated (views into others are not counted)."""
        arrays = [self.x, self.y, *vars(self.loss).values()]
        for _layer, buffers in self.steps:
            if buffers is not None:
                arrays += [getattr(buffers, name) for name in type(buffers).__slots__]
        owned = {id(a): a for a in arrays if isinstance(a, np.ndarray) and a.base is None}
        return sum(a.nbytes for a in owned.values())


def chunks(model, x: np.ndarray, y: Optional[np.ndarray], batch_size: int
           ) -> Iterator[tuple[int, int, BatchPlan]]:
    """``(start, stop, plan)`` per chunk of ``x`` (and ``y``), copied into an inference
    plan; a plan is reused while the chunk size stays the same."""
    plan = None
    for start in range(0, len(x), batch_size):
        stop = min(start + batch_size, len(x))
        if plan is None or plan.batch != stop - start:
            plan = BatchPlan(model, stop - start)
        plan.x[...] = x[start:stop]
        if y is not None:
            plan.y[...] = y[start:stop]
        yield start, stop, plan


def evaluate_arrays(model, x: np.ndarray, y: np.ndarray, batch_size: int = 1024) -> dict:
    """``{"loss", "accuracy"}`` of checked arrays (``x`` flat, in the model's dtype)."""
    loss_sum, correct = 0.0, 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _start, _stop, plan in chunks(model, x, y, batch_size):
            part_loss, part_correct = plan.loss.forward(plan.forward())
            loss_sum += part_loss
            correct += part_correct
    loss = loss_sum / len(x) + model.regularization_loss()
    return {"loss": float(loss), "accuracy": correct / len(x)}
