"""Helpers every app shares (the model is healthchecks' ``hc/lib``): no models, no views."""
