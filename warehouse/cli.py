"""``python -m warehouse``: create, refresh and serve the warehouse with Datasette."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from crawler.years import parse_years
from warehouse.refresh import refresh_warehouse
from warehouse.schema import open_db

PACKAGE = Path(__file__).parent
METADATA = PACKAGE / "metadata.yaml"
PLUGINS_DIR = PACKAGE / "plugins"
TEMPLATES_DIR = PACKAGE / "templates"
DEFAULT_DB = "data/reports.db"
# Report texts run to thousands of characters: table pages show the start of each cell.
# Facets keep Datasette's own 200 ms limit: the default ones are indexed (tens of ms at a
# million reports); one over a large search result stops there and says so.
DATASETTE_SETTINGS = {
    "truncate_cells_html": "60",
    "sql_time_limit_ms": "3000",
    "max_returned_rows": "5000",
    # Suggesting facets runs one query per column (40 on reports) on every table page:
    # 1.3 s of a 1.4 s page at 20,000 reports (tests/benchmarks/README.md).
    "suggest_facets": "off",
}


def ledger_years(value: str | None) -> list[int] | None:
    """The --years option: None for the ledger's default, else the years it names."""
    if not value:
        return None
    try:
        return parse_years(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from err


def datasette_command(db_path: str, host: str, port: int) -> list[str]:
    """The `datasette serve` command line with the project's metadata and plugins."""
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        db_path,
        "--metadata",
        str(METADATA),
        "--plugins-dir",
        str(PLUGINS_DIR),
        "--host",
        host,
        "--port",
        str(port),
    ]
    if TEMPLATES_DIR.is_dir():
        command += ["--template-dir", str(TEMPLATES_DIR)]
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, value]
    return command


years_option = click.option(
    "--years",
    default=None,
    help="Ledger years, e.g. 2021-2024 (default: 2019 to the last found).",
)


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
@click.argument(
    "db_path", default=DEFAULT_DB, type=click.Path(exists=True, dir_okay=False)
)
@years_option
def refresh(db_path: str, years: str | None) -> None:
    """Rebuild the views, the Chinese search index and the coverage ledger.

    python -m warehouse refresh data/reports.db --years 2021-2024
    """
    db = open_db(db_path)
    result = refresh_warehouse(db, ledger_years(years))
    db.close()
    click.echo(f"views: {', '.join(result.views)}")
    click.echo(
        f"search: {result.search.total} reports ({result.search.indexed} re-indexed)"
    )
    coverage = result.coverage
    span = f"{coverage.years[0]}-{coverage.years[-1]}" if coverage.years else "none"
    click.echo(
        f"coverage: {coverage.found} found, {coverage.missing} missing, "
        f"{coverage.late} late, years {span}"
    )


@cli.command()
@click.argument(
    "db_path", default=DEFAULT_DB, type=click.Path(exists=True, dir_okay=False)
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--raw-dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Raw page archive (default: raw/ beside the database).",
)
@years_option
def serve(
    db_path: str, host: str, port: int, raw_dir: str | None, years: str | None
) -> None:
    """Refresh the warehouse, then serve it with Datasette, its metadata and plugins.

    python -m warehouse serve data/reports.db --port 8001
    """
    db = open_db(db_path)
    refresh_warehouse(db, ledger_years(years))
    db.close()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PACKAGE.parent), os.environ.get("PYTHONPATH")])
        ),
    }
    if raw_dir:
        env["NIANBAO_RAW_DIR"] = str(Path(raw_dir).resolve())
    click.echo(f"Datasette: http://{host}:{port}/")
    sys.stdout.flush()
    # exec, not a child process: stopping this command (Ctrl-C, a test fixture's
    # terminate) then stops Datasette itself instead of leaving it orphaned.
    command = datasette_command(db_path, host, port)
    os.execve(command[0], command, env)


def _replay(db_path: Path, paths: list[Path], command: str, ocr: bool) -> None:
    from warehouse.rebuild import count_pages_in, pages_from, replay  # loads the stages

    if db_path.exists():
        raise click.ClickException(f"{db_path} exists: {command} writes a fresh database")
    total = count_pages_in(paths)
    with click.progressbar(length=total, label=f"{command}: pages", show_pos=True) as bar:
        outcomes = replay(db_path, pages_from(paths), command=command, ocr=ocr,
                          progress=lambda page: bar.update(1))
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
    click.echo(f"{db_path}: {summary or 'no pages'}")


@cli.command()
@click.argument("db_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--raw-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default="data/raw", show_default=True, help="The crawl's raw archive.")
@click.option("--ocr/--no-ocr", default=True, show_default=True,
              help="OCR table pictures now (slow) or leave them flagged ocr_pending.")
def rebuild(db_path: Path, raw_dir: Path, ocr: bool) -> None:
    """Re-run every stage over the WARC archive into a fresh database, offline.

        python -m warehouse rebuild data/rebuilt.db --raw-dir data/raw
    """
    from warehouse.rebuild import warc_files

    paths = warc_files(raw_dir / "warc")
    if not paths:
        raise click.ClickException(f"no WARC files in {raw_dir / 'warc'}")
    _replay(db_path, paths, "rebuild", ocr)


@cli.command("import")
@click.argument("db_path", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ocr/--no-ocr", default=True, show_default=True)
def import_(db_path: Path, paths: tuple[Path, ...], ocr: bool) -> None:
    """Load local pages (HTML, text, PDF, Word, Excel, images) or WARC files.

        python -m warehouse import data/local.db saved/*.html crawl.warc.gz
    """
    _replay(db_path, list(paths), "import", ocr)


@cli.command()
@click.argument("out_path", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def merge(out_path: Path, inputs: tuple[Path, ...]) -> None:
    """Combine the databases of several crawl workers into one, without duplicates.

        python -m warehouse merge data/reports.db data/worker-1.db data/worker-2.db

    A page held by several inputs is taken, with all its rows, from its latest fetch.
    """
    from warehouse.merge import MergeError, merge_files

    try:
        result = merge_files(out_path, inputs)
    except MergeError as err:
        raise click.ClickException(str(err)) from err
    for path, pages in result.pages_taken:
        click.echo(f"{path}: {pages} pages taken")
    click.echo(f"{out_path}: " + ", ".join(f"{n} {table}" for table, n in result.rows))
