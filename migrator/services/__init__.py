"""Use cases that load, compute and save: the one layer that joins the domain packages and the store.

The domain packages (``schema``, ``mapping``, ``validation``, ``inventory``, ``planning``, ``jp``) are pure: models,
rules and algorithms. The store (``migrator.store``) is an adapter that maps their models to tables. The modules
here read from the store, call the domain, and write back; the CLI and the demo call them. Only ``store`` and
``services`` (and the CLI and demo above them) may touch the database.
"""
