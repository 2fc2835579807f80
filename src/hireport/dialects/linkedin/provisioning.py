"""The Provisioning API (`/v2/provisionedApplications`): a partner's parent app creates one app for each of
its customers, finds it again by its own key, and changes it with a Rest.li partial update."""

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from hireport.dialects.linkedin.auth import parent_app
from hireport.dialects.linkedin.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.bounds import Id32
from hireport.kit.errors import NotFound
from hireport.kit.web import DbSession, RuntimeDep
from hireport.services import partner_apps
from hireport.services.identity import MAX_REDIRECT_URI_LENGTH, MAX_REDIRECT_URIS
from hireport.services.partner_apps import (
    MAX_DESCRIPTION,
    MAX_FOREIGN_ID,
    MAX_NAME,
    MAX_ORIGIN_LENGTH,
    MAX_ORIGINS,
    AppFields,
    AppView,
)

router = APIRouter(prefix="/provisionedApplications", tags=["Provisioning"])

URN = "urn:li:developerApplication:"
RESERVED = ("LinkedIn",)  # an app's name is shown to the customer's people: it may not claim the vendor's
_KEY = re.compile(re.escape(URN) + r"([1-9][0-9]{0,17})")

Creator = Annotated[Caller, Depends(parent_app(Scope.provisioning, "POST /provisionedApplications"))]
Finder = Annotated[Caller, Depends(parent_app(Scope.provisioning, "GET /provisionedApplications"))]
Updater = Annotated[Caller, Depends(parent_app(Scope.provisioning, "POST /provisionedApplications/{key}"))]
Origin = Annotated[str, Field(max_length=MAX_ORIGIN_LENGTH)]
Url = Annotated[str, Field(max_length=MAX_REDIRECT_URI_LENGTH)]
Origins = Annotated[list[Origin], Field(max_length=MAX_ORIGINS, description=(
    "Origins a page embedding the app's configuration plugin may have: `https://host[:port]`, no path, no "
    "trailing slash"))]
Urls = Annotated[list[Url], Field(max_length=MAX_REDIRECT_URIS,
                                  description="Exact OAuth 2.0 redirect URIs (https, or http to a loopback host)")]


class AppCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uniqueForeignId: str = Field(min_length=1, max_length=MAX_FOREIGN_ID, description="Your key for the app")
    name: str = Field(min_length=1, max_length=MAX_NAME, description="Shown to the customer; without 'LinkedIn'")
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    validJsSdkDomains: Origins = []
    oauth2AuthorizedCallbackUrls: Urls = []
    tenantId: Id32 = Field(description="hireport: the customer (tenant) the app serves (not a LinkedIn field)")


class AppSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    description: str | None = Field(default=None, min_length=1, max_length=MAX_DESCRIPTION)
    validJsSdkDomains: Origins | None = None
    oauth2AuthorizedCallbackUrls: Urls | None = None


class AppPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    set: AppSet = Field(alias="$set")


class AppPartialUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patch: AppPatch


class NewCredentials(BaseModel):
    client_id: str
    client_secret: str


class Created(BaseModel):
    credentials: NewCredentials
    key: str = Field(description="urn:li:developerApplication:{id}")


class KnownCredentials(BaseModel):
    client_id: str


class App(BaseModel):
    key: str
    credentials: KnownCredentials
    uniqueForeignId: str
    name: str
    description: str
    validJsSdkDomains: list[str]
    oauth2AuthorizedCallbackUrls: list[str]


class Paging(BaseModel):
    start: int
    count: int
    total: int


class Apps(BaseModel):
    elements: list[App]
    paging: Paging


@router.post("", status_code=status.HTTP_201_CREATED, summary="Provision a customer's app")
def create(body: AppCreate, session: DbSession, rt: RuntimeDep, caller: Creator, response: Response) -> Created:
    """A new app for the customer `tenantId`, a customer that uses your partner (else 403): its credentials
    (the secret only here, once) and its key, also in the `x-restli-id` header. `uniqueForeignId` is unique
    among your apps (409)."""
    provisioned = partner_apps.provision(
        session, caller, tenant_id=body.tenantId, foreign_id=body.uniqueForeignId, reserved=RESERVED,
        fields=AppFields(name=body.name, description=body.description, widget_origins=body.validJsSdkDomains,
                         callback_urls=body.oauth2AuthorizedCallbackUrls), clock=rt.clock)
    key = f"{URN}{provisioned.app.id}"
    response.headers["x-restli-id"] = key
    return Created(credentials=NewCredentials(client_id=provisioned.client_id,
                                              client_secret=provisioned.client_secret), key=key)


@router.get("", summary="Find an app by your key")
def find(session: DbSession, caller: Finder, q: Literal["credentialsByUniqueForeignId"],
         uniqueForeignId: Annotated[str, Query(min_length=1, max_length=MAX_FOREIGN_ID)]) -> Apps:
    """The finder `q=credentialsByUniqueForeignId`: your app with this key, if any (never its secret)."""
    found = [_app(view) for view in partner_apps.find(session, caller, uniqueForeignId)]
    return Apps(elements=found, paging=Paging(start=0, count=10, total=len(found)))


@router.post("/{key}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
             summary="Change an app (Rest.li partial update)")
def partial_update(key: Annotated[str, Path(max_length=100, description="urn:li:developerApplication:{id}, "
                                                                        "raw or percent-encoded")],
                   body: AppPartialUpdate, session: DbSession, rt: RuntimeDep, caller: Updater) -> Response:
    """`{"patch": {"$set": {...}}}` with any of `name`, `description`, `validJsSdkDomains` and
    `oauth2AuthorizedCallbackUrls` (the same rules as on creation); `uniqueForeignId` cannot change."""
    found = _KEY.fullmatch(key)
    if found is None:
        raise NotFound(f"no app has the key {key[:100]!r}")
    changes = body.patch.set
    partner_apps.update(session, caller, int(found[1]), AppFields(
        name=changes.name, description=changes.description, widget_origins=changes.validJsSdkDomains,
        callback_urls=changes.oauth2AuthorizedCallbackUrls), reserved=RESERVED, clock=rt.clock)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _app(view: AppView) -> App:
    app = view.app
    return App(key=f"{URN}{app.id}", credentials=KnownCredentials(client_id=view.client_id),
               uniqueForeignId=app.foreign_id, name=app.name, description=app.description,
               validJsSdkDomains=app.widget_origins, oauth2AuthorizedCallbackUrls=app.callback_urls)
