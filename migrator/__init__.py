"""migrator: checkable data migration and migration planning for 標準準拠システム."""

__version__ = "0.1.0"
