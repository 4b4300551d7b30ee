"""The CSV settings both functions read from their environment (set by modules/json-to-csv)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from json_csv.rows import DEFAULT_MAX_COLUMNS, RowBuilder
from lambda_common.env import ConfigError, flag, integer

__all__ = ["ConfigError", "CsvOptions", "load_csv_options", "parse_columns"]

# Excel's sheet width; wider CSV files open truncated in most spreadsheets anyway.
MAX_COLUMNS_LIMIT = 16384


@dataclass(frozen=True)
class CsvOptions:
    columns: tuple[str, ...] = ()
    max_columns: int = DEFAULT_MAX_COLUMNS
    neutralise_formulas: bool = True

    def row_builder(self) -> RowBuilder:
        return RowBuilder(
            self.columns,
            max_columns=self.max_columns,
            neutralise_formulas=self.neutralise_formulas,
        )


def load_csv_options(env: Mapping[str, str]) -> CsvOptions:
    """CSV_COLUMNS (JSON list; empty = discovered), CSV_MAX_COLUMNS (cap on discovered columns),
    CSV_NEUTRALISE_FORMULAS (true/false)."""
    return CsvOptions(
        columns=parse_columns(env.get("CSV_COLUMNS", "")),
        max_columns=integer(env, "CSV_MAX_COLUMNS", DEFAULT_MAX_COLUMNS, maximum=MAX_COLUMNS_LIMIT),
        neutralise_formulas=flag(env, "CSV_NEUTRALISE_FORMULAS", default=True),
    )


def parse_columns(raw: str) -> tuple[str, ...]:
    """CSV_COLUMNS: a JSON list of distinct column names; empty = union of the records' keys."""
    if not raw.strip():
        return ()
    try:
        columns = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"CSV_COLUMNS must be a JSON list of strings: {error}") from error
    if not isinstance(columns, list) or not all(isinstance(c, str) and c for c in columns):
        raise ConfigError("CSV_COLUMNS must be a JSON list of non-empty strings")
    if len(set(columns)) != len(columns):
        raise ConfigError("CSV_COLUMNS must not repeat a column")
    return tuple(columns)
