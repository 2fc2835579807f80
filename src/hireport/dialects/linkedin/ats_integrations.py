"""The atsIntegrations resource: a customer's app (its own two-legged token) enables the integrations its
customer requested in the configuration plugin (`batch_partial_update`), reads their onboarding status
(`batch_get`), and sends their settings (the `configurations` sub-resource, `batch_update`).

Keys are complex: `integrationContext` (`urn:li:organization:{customer}`, for CSA_API
`urn:li:contract:{customer}`), `integrationType`, `tenantType`, `dataProvider` (`ATS`), in Rest.li 1.0 or 2.0
(`restli`). The answers and errors are the seed's (003) tables, word for word."""

import re
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from hireport.dialects.linkedin import restli
from hireport.dialects.linkedin.kinds import KINDS, TYPES, status_word
from hireport.dialects.linkedin.restli import Key, KeySyntax
from hireport.kit.auth import Caller
from hireport.kit.errors import InvalidInput, NotFound
from hireport.kit.web import DbSession, RuntimeDep, caller_of
from hireport.models import Integration, PartnerApp
from hireport.services import identity, integrations
from hireport.services.integrations import AlreadyEnabled

router = APIRouter(prefix="/atsIntegrations", tags=["ATS integrations"])

PARTS = ("integrationContext", "integrationType", "tenantType", "dataProvider")
DATA_PROVIDER = "ATS"
APP_URN = "urn:li:developerApplication:"
_CONTEXT = re.compile(r"urn:li:(organization|company|contract):([A-Za-z0-9]{1,64})")
MAX_NAME = 200

INCOMPLETE = "Integration key parts are incomplete"
BAD_CONTEXT = "Invalid integration context urn"
NOT_FOUND = "No record found to partial update"
ENABLED_ALREADY = ("One or more of your update keys are violating update rule : modifying onboarding status for "
                   "already enabled integration is not allowed")

# The examples are the demo's (`hireport demo`): tenant 218, whose admin requested Apply with LinkedIn; its key
# in Rest.li 2.0, and in 1.0 for a path (where a 2.0 key's structure would be percent-encoded with its values).
EXAMPLE_KEY = ("(dataProvider:ATS,integrationContext:urn%3Ali%3Aorganization%3A218,integrationType:APPLY_WITH_LINKEDIN,"
               "tenantType:JOBS)")
EXAMPLE_PATH_KEY = ("integrationContext=urn%3Ali%3Aorganization%3A218&integrationType=APPLY_WITH_LINKEDIN"
                    "&tenantType=JOBS&dataProvider=ATS")
MethodHeader = Annotated[str | None, Header(alias="X-RestLi-Method", max_length=40, description=(
    "The Rest.li method: `batch_get` (or none) for a GET, `batch_partial_update` for a POST, `batch_update` for "
    "a PUT; any case"), examples=["batch_get", "batch_partial_update", "batch_update"])]
# `ids` is declared for the API docs (and the fuzzer); the routes read it from the raw query (`restli`), where
# a 2.0 key's values are still percent-encoded. A URL holds at most the door's MAX_URL_BYTES of path and query
# (16 KiB, else 414): with `dataProvider:ATS`, a whole batch (restli.MAX_KEYS keys) fits in either protocol; a
# longer query is tunnelled through a POST, its query in the body, as LinkedIn's query tunnelling does.
MAX_IDS = 16_000  # characters of `ids`: with this resource's path, what a URL holds
MAX_TUNNELLED = 32_000  # characters of a tunnelled query: a whole batch of keys with every part at its longest
MAX_CONFIGURATION = 100  # characters of a configuration's name (or of a 2.0 list of them)
Ids = Annotated[str | None, Query(max_length=MAX_IDS, description=(
    "The keys: `List((dataProvider:ATS,integrationContext:urn%3Ali%3Aorganization%3A7,integrationType:...,"
    "tenantType:...))` (Rest.li 2.0), or instead `ids[0].integrationContext=...&ids[0].integrationType=...` "
    "(1.0); read from the raw query. A URL holds at most 16 KiB of path and query (414 past it): 100 keys (a "
    "whole batch) with `dataProvider:ATS`, in either protocol. A longer query goes in the body of a POST with "
    "`X-HTTP-Method-Override: GET` (LinkedIn's query tunnelling)"), examples=[f"List({EXAMPLE_KEY})"])]
ConfigurationIds = Annotated[list[Annotated[str, Field(max_length=MAX_CONFIGURATION)]] | None, Query(
    max_length=restli.MAX_KEYS, description=(
        "The configurations: `ids=CALLBACK_URL&ids=VIEWER_SETTING` (1.0) or `ids=List(CALLBACK_URL,VIEWER_SETTING)` "
        "(2.0)"), examples=[["CALLBACK_URL"]])]
PathKey = Annotated[str, Path(max_length=2000, description=(
    "The integration's key: `(dataProvider:ATS,integrationContext:urn%3Ali%3Aorganization%3A7,...)` (2.0) or "
    "`integrationContext=...&integrationType=...` (1.0)"), examples=[EXAMPLE_PATH_KEY])]
Override = Annotated[str | None, Header(alias="X-HTTP-Method-Override", max_length=10, description=(
    "`GET` to tunnel a batch get through a POST, its query in an `application/x-www-form-urlencoded` body"))]


class IntegrationSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    integrationName: str = Field(min_length=1, max_length=MAX_NAME, description="Shown to the customer")


class IntegrationPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    set: IntegrationSet = Field(alias="$set")


class EntityPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patch: IntegrationPatch


class BatchPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"entities": {EXAMPLE_KEY: {"patch": {"$set": {"integrationName": "Apply with LinkedIn for Acme Health"}}}}}]})

    entities: dict[Annotated[str, Field(max_length=2000)], EntityPatch] = Field(max_length=restli.MAX_KEYS)


class ConfigurationValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    string: str | None = Field(default=None, max_length=2000)
    boolean: bool | None = None


class ConfigurationEntity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    configurationValue: ConfigurationValue


class BatchConfigurations(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"entities": {"CALLBACK_URL": {"configurationValue": {"string": "https://ats.example.com/linkedin/apply"}}}}]})

    entities: dict[Annotated[str, Field(max_length=MAX_CONFIGURATION)], ConfigurationEntity] = Field(
        max_length=restli.MAX_KEYS)


class Status(BaseModel):
    status: int


class ErrorEntry(BaseModel):
    message: str
    serviceErrorCode: int
    status: int


class BatchUpdated(BaseModel):
    results: dict[str, Status]
    errors: dict[str, ErrorEntry]


class IntegrationView(BaseModel):
    integrationName: str | None = None
    onboardingStatus: str = Field(description="REQUESTED, PARTNER_READY or ENABLED")


class BatchIntegrations(BaseModel):
    results: dict[str, IntegrationView]
    errors: dict[str, ErrorEntry]
    statuses: dict[str, int]


class ConfigurationView(BaseModel):
    configurationValue: ConfigurationValue


class BatchConfigurationViews(BaseModel):
    results: dict[str, ConfigurationView]
    errors: dict[str, ErrorEntry]
    statuses: dict[str, int]


# configuration key -> (its value's type, the integration types it belongs to); hireport's decision beyond
# CALLBACK_URL (the URL an apply integration posts to)
CONFIGURATIONS: dict[str, tuple[str, frozenset[str]]] = {
    "CALLBACK_URL": ("string", frozenset({"APPLY_WITH_LINKEDIN", "APPLY_CONNECT"})),
    "VIEWER_SETTING": ("string", frozenset({"IN_ATS_INDICATOR", "PROFILE_PLUGIN"})),
}
VIEWER_SETTINGS = ("ALL_SEATS", "ADMIN_SEATS")


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON schema with its `$defs` written in place (the body is read by hand, so the API docs
    have no component of it)."""
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    inlined: dict[str, Any] = inline(schema)
    return inlined


@router.get("", summary="Verify integrations (batch get)", response_model=BatchIntegrations)
def batch_get(request: Request, session: DbSession, method: MethodHeader = None, ids: Ids = None) -> Response:
    """The onboarding status of the given integrations of your customer: found ones in `results`, the
    others left out (nothing requested: `results`, `errors` and `statuses` all empty)."""
    return _batch_get(request, session, request.scope["query_string"].decode("latin-1"), method)


@router.post("", summary="Enable integrations (batch partial update), or a tunnelled batch get",
             response_model=BatchUpdated, openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": _inlined(BatchPatch.model_json_schema())},
                 "application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "properties": {"ids": {"type": "string", "maxLength": MAX_TUNNELLED}},
                     "description": "A tunnelled batch get's query, too long for a URL (with X-HTTP-Method-Override: "
                                    "GET): `ids=List(...)` (2.0), or the 1.0 fields `ids[0].integrationContext=...`, "
                                    "up to 100 keys"}}}}})
async def batch_partial_update(request: Request, session: DbSession, rt: RuntimeDep, method: MethodHeader = None,
                               override: Override = None, ids: Ids = None) -> Response:
    """`X-RestLi-Method: batch_partial_update`, the keys in the query and the same keys in `entities`, each
    `{"patch": {"$set": {"integrationName": ...}}}`: names each requested integration and enables it (or,
    for a type the customer switches on, makes it PARTNER_READY). `results` holds `{"status": 204}` per
    key; a key nothing was requested for is a 404 in `errors` (the answer is still 200). If any of them is
    enabled already, nothing changes (400)."""
    body = await request.body()
    tunnelled = restli.tunnelled_query(request.headers, body, max_length=MAX_TUNNELLED)
    if tunnelled is not None:
        return await run_in_threadpool(_batch_get, request, session, tunnelled, method)
    return await run_in_threadpool(_enable, request, session, rt, method, body)  # the database off the loop


def _enable(request: Request, session: DbSession, rt: RuntimeDep, method: str | None, body: bytes) -> Response:
    app = _app(session, request, "POST /atsIntegrations")
    _expect(method, "batch_partial_update")
    wanted = BatchPatch.model_validate_json(body or b"{}")
    keys, v2 = _query_keys(request.scope["query_string"].decode("latin-1"))
    checked = [_checked(key, app) for key in keys]
    if not checked:
        raise InvalidInput(INCOMPLETE)
    # the body's keys are held to the same rules as the query's before the two sides are compared: a key with a
    # part missing is incomplete, whichever side it is on
    entities = [(entity, _entity_key(entity), patch) for entity, patch in wanted.entities.items()]
    for _, key, _ in entities:
        _checked(key, app)
    by_key = {_identity(key): kind for key, kind in zip(keys, checked, strict=True)}
    names: dict[str, str] = {}
    rendered: dict[tuple[tuple[str, str], ...], str] = {}
    for entity, key, patch in entities:
        if _identity(key) not in by_key:
            raise InvalidInput(f"Batch request mismatch. Entity key {entity[:300]} not found in the query parameter")
        kind = by_key[_identity(key)]
        rendered[_identity(key)] = restli.render_key(key, v2=v2, order=PARTS)
        if kind is not None:
            names[kind] = patch.patch.set.integrationName
    missing = [key for key in keys if _identity(key) not in rendered]
    if missing:
        raise InvalidInput(f"Batch request mismatch. Query key {restli.render_key(missing[0], v2=v2, order=PARTS)} "
                           "has no entity in the request body")
    try:
        done = integrations.complete(session, app, names, KINDS, clock=rt.clock)
    except AlreadyEnabled:
        raise InvalidInput(ENABLED_ALREADY) from None
    results, errors = {}, {}
    for identity_key, shown in rendered.items():
        kind = by_key[identity_key]
        if kind is not None and done.get(kind) is not None:
            results[shown] = {"status": 204}
        else:
            errors[shown] = _error(404, NOT_FOUND)
    return JSONResponse({"errors": errors, "results": results})


@router.get("/{key}/configurations", summary="Read an integration's configurations (batch get)",
            response_model=BatchConfigurationViews)
def configurations(request: Request, session: DbSession, key: PathKey, method: MethodHeader = None,
                   ids: ConfigurationIds = None) -> Response:
    """`ids` names the configurations (`ids=CALLBACK_URL` or `ids=List(CALLBACK_URL)`); those set are in
    `results`."""
    app = _app(session, request, "GET /atsIntegrations/{key}/configurations")
    _expect(method, "batch_get", allow_none=True)
    row = _integration(session, app, request)
    names = restli.query_ids(request.scope["query_string"].decode("latin-1"))
    results = {name: {"configurationValue": row.settings[name]} for name in names if name in row.settings}
    return JSONResponse({"errors": {}, "results": results, "statuses": {}})


@router.put("/{key}/configurations", summary="Set an integration's configurations (batch update)",
            response_model=BatchUpdated)
def set_configurations(request: Request, session: DbSession, rt: RuntimeDep, key: PathKey, body: BatchConfigurations,
                       method: MethodHeader = None, ids: ConfigurationIds = None) -> Response:
    """`X-RestLi-Method: batch_update`, `ids` naming the configurations and `entities` giving each
    `{"configurationValue": {"string": ...}}`: `CALLBACK_URL` (an https URL, for the apply integrations) and
    `VIEWER_SETTING` (`ALL_SEATS` or `ADMIN_SEATS`, for IN_ATS_INDICATOR and PROFILE_PLUGIN)."""
    app = _app(session, request, "PUT /atsIntegrations/{key}/configurations")
    _expect(method, "batch_update")
    row = _integration(session, app, request)
    names = restli.query_ids(request.scope["query_string"].decode("latin-1"))
    if sorted(set(names)) != sorted(body.entities):
        raise InvalidInput("Batch request mismatch. The entities in the request body must be the ids of the query "
                           "parameter")
    values = {name: _configuration(name, row.kind, entity.configurationValue) for name, entity in
              body.entities.items()}
    integrations.configure(session, app, row.kind, values, clock=rt.clock)
    return JSONResponse({"errors": {}, "results": {name: {"status": 204} for name in values}})


def _batch_get(request: Request, session: DbSession, raw_query: str, method: str | None) -> Response:
    app = _app(session, request, "GET /atsIntegrations")
    _expect(method, "batch_get", allow_none=True)
    keys, v2 = _query_keys(raw_query)
    checked = [_checked(key, app) for key in keys]
    if not checked:
        raise InvalidInput(INCOMPLETE)
    found = integrations.of_app(session, app)
    results = {}
    for key, kind in zip(keys, checked, strict=True):
        row = found.get(kind) if kind is not None else None
        if row is not None:
            view = {"onboardingStatus": status_word(row.status)}
            if row.name is not None:
                view = {"integrationName": row.name, **view}
            results[restli.render_key(key, v2=v2, order=PARTS)] = view
    return JSONResponse({"errors": {}, "results": results, "statuses": {}})


def _query_keys(raw_query: str) -> tuple[list[Key], bool]:
    try:
        return restli.query_keys(raw_query)
    except KeySyntax as exc:
        raise InvalidInput(f"{INCOMPLETE}: {exc.message}") from None


def _entity_key(text: str) -> Key:
    try:
        return restli.entity_key(text)
    except KeySyntax as exc:
        raise InvalidInput(f"{INCOMPLETE}: {exc.message}") from None


def _app(session: DbSession, request: Request, operation: str) -> PartnerApp:
    caller: Caller = caller_of(request)
    return integrations.app_of(session, caller, operation)


def _expect(method: str | None, wanted: str, *, allow_none: bool = False) -> None:
    given = (method or "").strip().lower()
    if given == wanted or (allow_none and not given):
        return
    raise InvalidInput(f"X-RestLi-Method must be {wanted} for this request" if given else
                       f"the X-RestLi-Method header is required: {wanted}")


def _checked(key: Key, app: PartnerApp) -> str | None:
    """The integration type a key names, if the key names the app's own customer (else None: nothing
    found); a key that is not an integration key at all is refused with the seed's errors."""
    if any(not key.get(part) for part in PARTS) or set(key) - set(PARTS):
        raise InvalidInput(INCOMPLETE)
    found = _CONTEXT.fullmatch(key["integrationContext"])
    if found is None:
        raise InvalidInput(BAD_CONTEXT)
    integration_type = TYPES.get(key["integrationType"])
    if (integration_type is None or key["tenantType"] != integration_type.audience
            or key["dataProvider"] not in (DATA_PROVIDER, f"{APP_URN}{app.id}")):
        raise InvalidInput(INCOMPLETE)
    if found[1] != integration_type.context or found[2] != str(app.tenant_id):
        return None
    return integration_type.name


def _identity(key: Key) -> tuple[tuple[str, str], ...]:
    """What makes two spellings of a key the same key."""
    return tuple(sorted(key.items()))


def _integration(session: DbSession, app: PartnerApp, request: Request) -> Integration:
    """The integration the path's key names (read from the raw path: a 2.0 key's values stay encoded)."""
    raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
    segment = raw_path.decode("latin-1").rstrip("/").split("/")[-2]
    key = _entity_key(segment if segment.startswith("(") else _decoded_v1(segment))
    kind = _checked(key, app)
    row = integrations.of_app(session, app).get(kind) if kind is not None else None
    if row is None:
        raise NotFound("No record found for the integration key")
    return row


def _decoded_v1(segment: str) -> str:
    """A 1.0 key in a path segment may itself be percent-encoded whole (`a%3D1%26b%3D2`)."""
    return segment if "=" in segment else unquote(segment)


def _configuration(name: str, kind: str, value: ConfigurationValue) -> dict[str, Any]:
    known = CONFIGURATIONS.get(name)
    if known is None:
        raise InvalidInput(f"unknown configuration {name[:100]!r}: one of {', '.join(CONFIGURATIONS)}")
    value_type, kinds = known
    if kind not in kinds:
        raise InvalidInput(f"{name} is not a configuration of {kind} integrations")
    text = value.string
    if value_type != "string" or text is None or value.boolean is not None:
        raise InvalidInput(f"{name} takes {{\"configurationValue\": {{\"string\": ...}}}}")
    if name == "CALLBACK_URL":
        identity.checked_redirect_uris([text])
    elif text not in VIEWER_SETTINGS:
        raise InvalidInput(f"{name} is one of {', '.join(VIEWER_SETTINGS)}")
    return {"string": text}


def _error(status: int, message: str) -> dict[str, Any]:
    return {"message": message, "serviceErrorCode": status, "status": status}


VersionHeader = Annotated[str | None, Header(alias="LinkedIn-Version", max_length=20,
                                             description="YYYYMM or YYYYMM.RR", examples=["202406"])]
_VERSION = re.compile(r"20[0-9]{2}(0[1-9]|1[0-2])(\.[0-9]{2})?")


def linkedin_version(version: VersionHeader = None) -> None:
    """The versioned API (`/rest`) needs a `LinkedIn-Version`; every well-formed version is served alike."""
    if not version or not version.strip():
        raise InvalidInput("A version must be present. Please specify a version by adding the LinkedIn-Version "
                           "header.")
    if not _VERSION.fullmatch(version.strip()):
        raise InvalidInput(f"Invalid LinkedIn-Version {version[:20]!r}: expected YYYYMM or YYYYMM.RR")


versioned = APIRouter(dependencies=[Depends(linkedin_version)])
versioned.include_router(router)
