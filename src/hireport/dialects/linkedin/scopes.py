"""What a partner's parent app needs to provision its customers' apps."""

from enum import StrEnum

from hireport.kit.scopes import Holder, ScopeSpec


class Scope(StrEnum):
    provisioning = "LinkedIn.Provisioning"


SPECS = (ScopeSpec(Scope.provisioning.value, frozenset({Holder.partner_client})),)
