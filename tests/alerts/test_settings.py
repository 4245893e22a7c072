"""The alerts package's one settings object: groups, current names, and renamed variables."""

from __future__ import annotations

import logging

import pytest

from alerts.config import RENAMED_ALERTS_ENV, AlertsSettings


def test_matching_knobs_are_a_group_of_the_one_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERTS_MATCH_K", "7")
    monkeypatch.setenv("ALERTS_MATCH_WIDEN_FACTOR", "3.0")
    monkeypatch.setenv("ALERTS_ESCALATION_WIDEN_FACTOR", "1.25")
    settings = AlertsSettings()
    assert settings.match.k == 7
    assert settings.match.widen_factor == 3.0
    assert settings.escalation_widen_factor == 1.25


def test_old_name_still_works_with_a_logged_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("ALERTS_ESCALATION_WIDEN_FACTOR", raising=False)
    monkeypatch.setenv("ALERTS_WIDEN_FACTOR", "1.8")
    monkeypatch.setenv("ALERTS_ESCALATE_AFTER_S", "42")
    with caplog.at_level(logging.WARNING, logger="sar_coord.settings"):
        settings = AlertsSettings()
    assert settings.escalation_widen_factor == 1.8
    assert settings.escalation_after_s == 42
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "ALERTS_WIDEN_FACTOR is deprecated" in warned
    assert "ALERTS_ESCALATION_WIDEN_FACTOR" in warned
    assert "ALERTS_ESCALATE_AFTER_S is deprecated" in warned


def test_current_name_wins_over_old_name(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("ALERTS_MAX_RADIUS_NM", "150")
    monkeypatch.setenv("ALERTS_ESCALATION_MAX_RADIUS_NM", "250")
    with caplog.at_level(logging.WARNING, logger="sar_coord.settings"):
        settings = AlertsSettings()
    assert settings.escalation_max_radius_nm == 250.0
    assert any(
        "ALERTS_MAX_RADIUS_NM is deprecated and ignored" in r.getMessage() for r in caplog.records
    )


def test_old_names_are_validated_like_new_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERTS_WIDEN_FACTOR", "0.5")
    with pytest.raises(ValueError, match="escalation_widen_factor"):
        AlertsSettings()


def test_every_renamed_variable_names_a_field() -> None:
    assert set(RENAMED_ALERTS_ENV.values()) <= set(AlertsSettings.model_fields)


def test_no_knob_without_old_name_is_silent(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for old in RENAMED_ALERTS_ENV:
        monkeypatch.delenv(old, raising=False)
    with caplog.at_level(logging.WARNING, logger="sar_coord.settings"):
        AlertsSettings()
    assert not [r for r in caplog.records if "deprecated" in r.getMessage()]
