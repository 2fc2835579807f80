"""What Connect's two modes need: a client registering referrals (client credentials), and an application a
signed-in customer authorized (authorization code)."""

from enum import StrEnum

from hireport.kit.scopes import Holder, ScopeSpec


class Scope(StrEnum):
    client = "Connect.Recruitment.Client"  # client mode: register referrals for anyone
    user = "Connect.Recruitment.User"      # user mode: the signed-in customer's own referrals and premiums


SPECS = tuple(ScopeSpec(s.value, frozenset({Holder.client})) for s in Scope)
