"""Users, API tokens, roles and the access rules of the team profile (``RUNICORN_AUTH=required``)."""
