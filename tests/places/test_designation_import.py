"""`sar-coord places import`: JSON and CSV designations, all or nothing, each logged once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sar_coord.core.config import get_settings
from sar_coord.places.citation import known_from
from sar_coord.places.cli import app as places_cli
from sar_coord.places.importer import parse_designations

ROW = {
    "country": "tn",
    "locode": "TNBIZ",
    "status": "not_safe",
    "legal_basis": "test basis for an imported designation",
    "issuing_body": "Test Tribunal",
    "citation_title": "Imported test finding",
    "citation_date": "2026-03",
    "citation_reference": "T-1/26",
    "effective_from": "2026-04-01T00:00:00Z",
}


@pytest.fixture
def cli_env(db_url: str, log_signer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SAR_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_known_from_is_the_first_day_the_source_was_certainly_public() -> None:
    assert known_from("2012-02-23") == datetime(2012, 2, 23, tzinfo=UTC)
    assert known_from("2018-09") == datetime(2018, 10, 1, tzinfo=UTC)
    assert known_from("2018-12") == datetime(2019, 1, 1, tzinfo=UTC)
    assert known_from("2021") == datetime(2022, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="not YYYY"):
        known_from("Sept 2018")


def test_parse_reports_every_bad_row() -> None:
    bad = [ROW, ROW | {"citation_date": "2026-13"}, ROW | {"issuing_body": None}, "x"]
    parsed = parse_designations(json.dumps(bad), "json")
    assert len(parsed.designations) == 1
    assert parsed.designations[0].country == "TN"
    assert parsed.designations[0].full_citation() == (
        "Test Tribunal, Imported test finding, 2026-03, T-1/26"
    )
    assert [e.split(":")[0] for e in parsed.errors] == [
        "designation 2", "designation 3", "designation 4"
    ]  # fmt: skip
    assert "citation_date" in parsed.errors[0] and "issuing_body" in parsed.errors[1]
    assert parse_designations("{", "json").errors[0].startswith("not valid JSON")
    assert "unknown CSV column" in parse_designations("country,colour\nLY,red\n", "csv").errors[0]
    assert "unknown format" in parse_designations("", "xml").errors[0]


def test_import_json_then_csv_duplicates_skipped_bad_file_imports_nothing(
    cli_env: None, tmp_path: Path
) -> None:
    runner = CliRunner()
    good = tmp_path / "d.json"
    good.write_text(json.dumps({"designations": [ROW]}))
    r = runner.invoke(places_cli, ["import", str(good), "--by", "tester"])
    assert r.exit_code == 0, r.output
    assert "imported 1 designation(s)" in r.output and "0 already recorded" in r.output
    r = runner.invoke(places_cli, ["import", str(good)])
    assert "imported 0 designation(s)" in r.output and "1 already recorded" in r.output

    csv_file = tmp_path / "d.csv"
    header = [*ROW, "effective_until"]
    rows = (ROW, ROW | {"locode": "TNSUS", "effective_until": "2026-05-01T00:00:00Z"})
    csv_file.write_text(
        "\n".join([",".join(header)] + [",".join(str(r.get(k, "")) for k in header) for r in rows])
        + "\n"
    )
    r = runner.invoke(places_cli, ["import", str(csv_file)])
    assert r.exit_code == 0, r.output
    assert "imported 1 designation(s)" in r.output and "1 already recorded" in r.output
    r = runner.invoke(places_cli, ["show", "TNSUS"])
    assert "Test Tribunal: Test Tribunal, Imported test finding" in r.output

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([ROW | {"locode": "TNGAE"}, ROW | {"status": "maybe"}]))
    r = runner.invoke(places_cli, ["import", str(bad)])
    assert r.exit_code == 1
    assert "designation 2: status" in r.output and "nothing imported" in r.output
    r = runner.invoke(places_cli, ["show", "TNGAE"])
    assert "Imported test finding" not in r.output

    unknown_port = tmp_path / "port.json"
    unknown_port.write_text(json.dumps([ROW | {"locode": "TNGAE"}, ROW | {"locode": "TNZZZ"}]))
    r = runner.invoke(places_cli, ["import", str(unknown_port)])
    assert r.exit_code == 1 and "TNZZZ" in r.output and "nothing imported" in r.output
    r = runner.invoke(places_cli, ["show", "TNGAE"])
    assert "Imported test finding" not in r.output
