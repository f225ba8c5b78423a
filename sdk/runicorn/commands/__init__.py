"""The ``runicorn`` subcommands, one module each, every one registered by its ``add_parser(sub)``."""
