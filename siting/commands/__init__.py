"""CLI subcommands. Each module defines ``register(subparsers)`` adding one (or a few)
subcommands whose handler parses, calls one public function, and writes a file or stdout.
The list of modules is :data:`siting.cli.COMMAND_MODULES`."""
