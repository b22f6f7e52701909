"""The command-line interface: the only package of migrator that imports click."""
