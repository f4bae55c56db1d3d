"""``python -m warehouse``: the refresh command and the Datasette command line."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from tests.warehouse.conftest import build_warehouse
from warehouse.cli import cli, datasette_command, ledger_years


def test_ledger_years():
    assert ledger_years("2021-2023") == [2021, 2022, 2023]
    assert ledger_years("2019,2021-2022") == [2019, 2021, 2022]
    assert ledger_years(None) is None
    with pytest.raises(click.BadParameter, match="2021-2024"):
        ledger_years("twenty")


def test_datasette_command_loads_metadata_and_plugins():
    command = datasette_command("data/reports.db", "127.0.0.1", 8123)
    assert command[1:4] == ["-m", "datasette", "serve"]
    assert command[command.index("--metadata") + 1].endswith("warehouse/metadata.yaml")
    assert command[command.index("--plugins-dir") + 1].endswith("warehouse/plugins")
    assert "truncate_cells_html" in command


def test_refresh_command(tmp_path):
    build_warehouse(tmp_path / "reports.db").close()
    result = CliRunner().invoke(
        cli, ["refresh", str(tmp_path / "reports.db"), "--years", "2021-2023"]
    )
    assert result.exit_code == 0, result.output
    assert "search: 7 reports (7 re-indexed)" in result.output
    assert "coverage: 5 found, 13 missing, 2 late, years 2021-2023" in result.output
    again = CliRunner().invoke(cli, ["refresh", str(tmp_path / "reports.db")])
    assert "(0 re-indexed)" in again.output
