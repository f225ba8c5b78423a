"""``runicorn import tensorboard|mlflow ...``: runs recorded by other tools, as Runicorn runs.

Each importer reads through the tool's own library (TensorBoard's ``EventAccumulator``, MLflow's
``MlflowClient``), imported only when that importer runs; :mod:`.runwriter` writes the runs.
"""
