"""Training-framework integrations, each an optional extra that imports its framework only when used:

* :mod:`runicorn.integrations.lightning` -- ``RunicornLogger`` for PyTorch Lightning (``runicorn[lightning]``)
* :mod:`runicorn.integrations.transformers` -- ``RunicornCallback`` for the Hugging Face ``Trainer``
  (``runicorn[transformers]``)
* :mod:`runicorn.integrations.keras` -- ``RunicornCallback`` for Keras 3 (``runicorn[keras]``)

``import runicorn`` never imports these modules; importing one imports its framework.
"""
