"""Old environment variable names honoured for one release, each use logged as deprecated."""

from __future__ import annotations

import logging
import os
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

log = logging.getLogger("sar_coord.settings")


class RenamedEnvSource(PydanticBaseSettingsSource):
    """A settings source that reads old names ({OLD_NAME: field}) below the current names.

    Each old name found in the environment is logged as a deprecation warning (through logging,
    so that tests running with warnings as errors still start); when the current name is set
    too, the current name wins and the warning says the old one was ignored.
    """

    def __init__(self, settings_cls: type[BaseSettings], renamed: dict[str, str]) -> None:
        super().__init__(settings_cls)
        self._renamed = renamed

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Unused: __call__ reads every old name at once."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        """Values of the old names present in the environment, by field name."""
        # pydantic-settings' own sources read os.environ too; this is the one other place.
        environ = {k.upper(): v for k, v in os.environ.items()}
        prefix = str(self.settings_cls.model_config.get("env_prefix", "")).upper()
        values: dict[str, Any] = {}
        for old, field in self._renamed.items():
            if old not in environ:
                continue
            new = f"{prefix}{field}".upper()
            if new in environ:
                log.warning("%s is deprecated and ignored: %s is set; remove %s", old, new, old)
                continue
            log.warning(
                "%s is deprecated and will be removed in the next release: rename it to %s",
                old,
                new,
            )
            values[field] = environ[old]
        return values
