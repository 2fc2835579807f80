"""The scopes credentials may carry. The kit names none: each dialect registers its own, with who may
hold them, when it is declared (`hireport.kit.dialect.Dialect`). Unknown scopes are refused at creation."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from hireport.kit.errors import InvalidInput


class Holder(StrEnum):
    """Who may be given a scope."""

    client = "client"                  # an OAuth client of a tenant (client credentials)
    partner_client = "partner_client"  # an OAuth client of a partner, acting for the tenants that use it
    api_token = "api_token"  # noqa: S105 (a kind of holder: a long-lived API token of a tenant)


@dataclass(frozen=True)
class ScopeSpec:
    name: str
    holders: frozenset[Holder]
    dialect: str = ""
    reads_only: bool = False  # True: it lets its holder read, never change (a viewer may grant it to an app)
    capabilities: frozenset[str] = frozenset()  # the services' neutral capabilities it carries ("read jobs")


_REGISTRY: dict[str, ScopeSpec] = {}


def register(specs: Iterable[ScopeSpec]) -> None:
    for spec in specs:
        known = _REGISTRY.get(spec.name)
        if known is not None and known != spec:
            raise ValueError(f"scope {spec.name} is registered twice, differently")
        _REGISTRY[spec.name] = spec


def known() -> list[str]:
    return list(_REGISTRY)


def changes_nothing(names: list[str] | tuple[str, ...]) -> bool:
    """Whether every one of these scopes only reads."""
    return all(n in _REGISTRY and _REGISTRY[n].reads_only for n in names)


def held_by(holder: Holder, *, dialect: str | None = None) -> tuple[str, ...]:
    """Every registered scope that `holder` may be given (of one dialect's, if named), in registration order."""
    return tuple(name for name, spec in _REGISTRY.items()
                 if holder in spec.holders and dialect in (None, spec.dialect))


def carrying(capabilities: Iterable[str], holder: Holder) -> tuple[str, ...]:
    """Every registered scope `holder` may be given that carries one of these capabilities: those of the first
    capability first, each in registration order, once."""
    return tuple(dict.fromkeys(name for capability in capabilities for name, spec in _REGISTRY.items()
                               if capability in spec.capabilities and holder in spec.holders))


def parse_scopes(text: str | list[str] | tuple[str, ...], *, holder: Holder | None = None) -> list[str]:
    """Split a space-separated scope string (or list) into known scopes, in order, without duplicates;
    with `holder`, every scope must be one that holder may be given."""
    items = text.split() if isinstance(text, str) else list(text)
    unknown = [s for s in items if s not in _REGISTRY]
    if unknown:
        raise InvalidInput(f"unknown scope(s): {', '.join(unknown)}", field="scopes")
    if holder is not None:
        refused = [s for s in items if holder not in _REGISTRY[s].holders]
        if refused:
            raise InvalidInput(f"a {holder.value.replace('_', ' ')} may not hold: {', '.join(refused)}; "
                               f"it may hold: {', '.join(held_by(holder))}", field="scopes")
    return list(dict.fromkeys(items))
