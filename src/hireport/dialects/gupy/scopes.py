"""The Gupy dialect's endpoints, as chosen when an API token is created (a client may hold them too)."""

from enum import StrEnum

from hireport.kit.scopes import Holder, ScopeSpec


class Scope(StrEnum):
    jobs_read = "Gupy.Jobs.Read"
    jobs_write = "Gupy.Jobs.Write"
    applications_read = "Gupy.Applications.Read"
    messages_write = "Gupy.Messages.Write"


SPECS = tuple(ScopeSpec(s.value, frozenset({Holder.client, Holder.api_token}), reads_only=s.value.endswith(".Read"))
              for s in Scope)
