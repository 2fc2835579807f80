"""The switches an operator turns per tenant. The kit names none: each dialect declares its own, with its
type and default, when it is declared (`hireport.kit.dialect.Dialect.tenant_settings`), as it registers its
scopes; the services read and check a tenant's settings against this registry."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TenantSetting:
    name: str
    kind: type
    default: Any
    dialect: str = ""


_REGISTRY: dict[str, TenantSetting] = {}


def register(settings: Iterable[TenantSetting]) -> None:
    for setting in settings:
        known = _REGISTRY.get(setting.name)
        if known is not None and known != setting:
            raise ValueError(f"tenant setting {setting.name} is registered twice, differently")
        _REGISTRY[setting.name] = setting


def known() -> dict[str, TenantSetting]:
    return dict(_REGISTRY)


def defaults() -> dict[str, Any]:
    return {name: setting.default for name, setting in _REGISTRY.items()}
