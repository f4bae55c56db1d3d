"""The SQLite warehouse: schema, idempotent store, raw archive, Datasette metadata."""
