"""``python -m warehouse``: serve the warehouse with the project's Datasette metadata."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from warehouse.schema import open_db

METADATA = Path(__file__).parent / "metadata.yaml"
DEFAULT_DB = "data/reports.db"


@click.group()
def cli() -> None:
    """nianbao warehouse commands."""


@cli.command()
@click.argument("db_path", default=DEFAULT_DB, type=click.Path(dir_okay=False))
def init(db_path: str) -> None:
    """Create an empty warehouse database, or bring its schema up to date.

        python -m warehouse init data/reports.db
    """
    open_db(db_path).close()
    click.echo(f"warehouse ready: {db_path}")


@cli.command()
@click.argument("db_path", default=DEFAULT_DB, type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
def serve(db_path: str, host: str, port: int) -> None:
    """Serve a warehouse database with Datasette and the project's metadata.

        python -m warehouse serve data/reports.db --port 8001
    """
    click.echo(f"Datasette: http://{host}:{port}/")
    command = [sys.executable, "-m", "datasette", "serve", db_path, "--metadata",
               str(METADATA), "--host", host, "--port", str(port)]
    raise SystemExit(subprocess.call(command))
