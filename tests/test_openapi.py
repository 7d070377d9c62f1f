"""The OpenAPI document (chatserver/openapi.json, served at /api/openapi.json) agrees with the code.

- Routes both ways: every route of make_app is documented with exactly the methods its handler
  implements, and every documented path and method is a route of the app.
- The document is well-formed OpenAPI 3.1 (schemathesis's loader and meta-schema), every
  schema in it is valid JSON Schema 2020-12, and its limits and error codes are the code's.
- Real answers on the main paths match the documented status, content type and schema.

tests/test_schemathesis.py then fuzzes a live server against the same document.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
import tornado.routing
import tornado.web
from schemathesis.core.result import Err

from chatserver import errors, validation
from chatserver.handlers import base
from tests.helpers import Api, Reply, iso_in

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DOCUMENT: dict[str, Any] = json.loads(resources.files("chatserver").joinpath("openapi.json").read_bytes())


# -- the route table ------------------------------------------------------------------------------


def implemented_methods(handler: type[tornado.web.RequestHandler]) -> set[str]:
    """The HTTP methods a handler class implements itself (RequestHandler's own answer 405)."""
    return {
        method.upper()
        for method in HTTP_METHODS
        if getattr(handler, method, None) is not getattr(tornado.web.RequestHandler, method, None)
    }


def route_paths(pattern: str) -> list[str]:
    """The OpenAPI path templates of a route regex, with `{}` for each parameter.

    `/e/([^/]+)/transcript\\.(txt|json)$` gives `/e/{}/transcript.txt` and `/e/{}/transcript.json`;
    a pattern that is no plain path (such as the `/api/.*` catch-all) gives nothing."""
    pattern = pattern.removesuffix("$")
    paths = [""]
    for literal, group in re.findall(r"([^(]*)(?:\(([^)]*)\))?", pattern):
        if re.search(r"[.*+?\[\]^$|\\]", literal.replace("\\.", "")):
            return []  # a catch-all such as /api/.*, not an endpoint
        paths = [p + literal.replace("\\.", ".") for p in paths]
        if group == "[^/]+":
            paths = [p + "{}" for p in paths]
        elif group:
            if re.search(r"[.*+?\[\]^$\\]", group.replace("\\.", "")):
                return []  # a pattern, not a choice of literal names
            paths = [p + alternative.replace("\\.", ".") for p in paths for alternative in group.split("|")]
    return paths


def app_operations(app: tornado.web.Application) -> set[tuple[str, str]]:
    """(path template, METHOD) for every route of the app, except static files and catch-alls."""
    operations = set()
    for rule in app.wildcard_router.rules:
        handler = rule.target
        if not isinstance(handler, type) or not issubclass(handler, tornado.web.RequestHandler):
            continue
        if issubclass(handler, tornado.web.StaticFileHandler):
            continue  # /static/... and /sw.js are files, not part of the HTTP API
        assert isinstance(rule.matcher, tornado.routing.PathMatches)
        methods = implemented_methods(handler)
        for path in route_paths(rule.matcher.regex.pattern):
            operations |= {(path, method) for method in methods}
    return operations


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (re.sub(r"\{[^}]+\}", "{}", path), method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/metrics" or path.endswith(("/transcript.txt", "/transcript.json"))


def test_route_parsing_sees_the_endpoints(app: tornado.web.Application) -> None:
    operations = app_operations(app)
    assert ("/api/events/{}/messages", "POST") in operations
    assert ("/api/events/{}/participants/{}/ban", "POST") in operations
    assert ("/e/{}/transcript.txt", "GET") in operations and ("/e/{}/transcript.json", "GET") in operations
    assert ("/api/openapi.json", "GET") in operations
    assert not any(path.startswith("/api/.") or "*" in path for path, _ in operations)


def test_every_api_route_is_documented_with_its_methods(app: tornado.web.Application) -> None:
    in_app = {op for op in app_operations(app) if is_api(op[0])}
    documented = {op for op in documented_operations(DOCUMENT) if is_api(op[0])}
    assert in_app - documented == set(), "routes of the app missing from chatserver/openapi.json"
    assert documented - in_app == set(), "documented operations that the app does not have"


def test_every_page_is_documented_and_every_documented_page_exists(app: tornado.web.Application) -> None:
    in_app = {op for op in app_operations(app) if not is_api(op[0])}
    documented = {op for op in documented_operations(DOCUMENT) if not is_api(op[0])}
    assert in_app - documented == set(), "pages of the app missing from chatserver/openapi.json"
    assert documented - in_app == set(), "documented pages that the app does not have"


def test_path_parameters_are_declared() -> None:
    for path, item in DOCUMENT["paths"].items():
        names = set(re.findall(r"\{([^}]+)\}", path))
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            declared = {
                resolve(p)["name"]
                for p in [*item.get("parameters", []), *operation.get("parameters", [])]
                if resolve(p)["in"] == "path"
            }
            assert declared == names, (method, path, declared)


# -- well-formed OpenAPI 3.1 ----------------------------------------------------------------------


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = DOCUMENT
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def all_schemas(node: Any, key: str = "") -> list[Any]:
    """Every Schema Object in the document (under `schema` keys and components.schemas)."""
    found = []
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "schema" or key == "schemas":
                found.append(value)
            else:
                found += all_schemas(value, name)
    elif isinstance(node, list):
        for value in node:
            found += all_schemas(value, key)
    return found


async def test_served_document_is_the_packaged_one(api: Api) -> None:
    reply = await api.get("/api/openapi.json")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert reply.body == DOCUMENT


async def test_served_document_is_valid_openapi_3_1(api: Api) -> None:
    document = (await api.get("/api/openapi.json")).body
    assert document["openapi"].startswith("3.1.")
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # the OpenAPI 3.1 meta-schema; raises on any violation
    results = list(schema.get_all_operations())
    bad = [r.err() for r in results if isinstance(r, Err)]
    assert not bad, bad
    assert len(results) == len(documented_operations(document))
    for node in all_schemas(document):
        jsonschema_rs.meta.validate(node)  # each a valid JSON Schema 2020-12 (the 3.1 dialect)


def test_meta_schema_check_would_catch_a_broken_document() -> None:
    broken = json.loads(json.dumps(DOCUMENT))
    broken["paths"]["/api/events"]["get"]["responses"]["200"].pop("description")
    with pytest.raises(jsonschema_rs.ValidationError):
        schemathesis.openapi.from_dict(broken).validate()


def test_every_component_is_used() -> None:
    text = json.dumps(DOCUMENT["paths"]) + json.dumps(DOCUMENT["components"])
    for kind, components in DOCUMENT["components"].items():
        if kind == "securitySchemes":
            used = {
                name
                for item in DOCUMENT["paths"].values()
                for op in item.values()
                if isinstance(op, dict)
                for requirement in op.get("security", [])
                for name in requirement
            }
            assert used == set(components)
            continue
        for name in components:
            assert f'"#/components/{kind}/{name}"' in text, f"{kind}/{name} is not used"


def test_every_operation_has_an_id_and_errors_in_the_one_shape() -> None:
    ids = []
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            ids.append(operation["operationId"])
            for status, response in operation["responses"].items():
                response = resolve(response)
                content = response.get("content", {})
                if status >= "400" and "application/json" in content:
                    shape = content["application/json"]["schema"]
                    assert shape["allOf"][0] == {"$ref": "#/components/schemas/Error"}, (method, path, status)
                    codes = shape["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
                    assert codes, (method, path, status)
    assert len(ids) == len(set(ids))


def documented_error_codes() -> dict[str, set[int]]:
    codes: dict[str, set[int]] = {}
    for item in DOCUMENT["paths"].values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for status, response in operation["responses"].items():
                content = resolve(response).get("content", {}).get("application/json")
                if content and "allOf" in content["schema"]:
                    for code in content["schema"]["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]:
                        codes.setdefault(code, set()).add(int(status))
    return codes


def error_classes() -> list[type[errors.ChatError]]:
    """Every ChatError class of the package: errors.py's, and those a module declares beside its one use
    (the upload's `too_large`, the event quota's `quota_exceeded`), found as subclasses once imported."""
    import chatserver.app  # noqa: F401 - imports every module that declares errors of its own

    found, todo = [], [errors.ChatError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += [sub for sub in cls.__subclasses__() if sub.__module__.startswith("chatserver.")]
    return found


def test_error_codes_are_the_codes_of_the_code() -> None:
    in_code = {(cls.code, cls.status) for cls in error_classes()}
    documented = documented_error_codes()
    # Each code is in some operation's answers, or (statuses that no documented method can get,
    # such as 405 for a method an endpoint lacks) said in the document's description.
    described = DOCUMENT["info"]["description"]
    for code, status in in_code | {(code, status) for status, code in base.HTTP_CODES.items()}:
        assert status in documented.get(code, set()) or f"{status} {code}" in described, code
    known = {code for code, _ in in_code} | set(base.HTTP_CODES.values()) | {"internal_error"}
    assert set(documented) <= known


def test_limits_are_the_code_limits() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    assert schemas["EventCreate"]["properties"]["title"]["maxLength"] == validation.TITLE_MAX
    assert schemas["EventCreate"]["properties"]["description"]["maxLength"] == validation.DESCRIPTION_MAX
    assert schemas["EventPatch"]["properties"]["title"]["maxLength"] == validation.TITLE_MAX
    assert schemas["EventPatch"]["properties"]["description"]["maxLength"] == validation.DESCRIPTION_MAX
    assert schemas["JoinRequest"]["properties"]["nickname"]["maxLength"] == validation.NICKNAME_MAX
    assert schemas["MessageRequest"]["properties"]["body"]["maxLength"] == validation.BODY_MAX
    assert schemas["MessageRequest"]["properties"]["client_id"]["maxLength"] == validation.CLIENT_ID_MAX
    assert schemas["AnnouncementRequest"]["properties"]["body"]["maxLength"] == validation.BODY_MAX
    assert schemas["EmbedOrigins"]["maxItems"] == validation.EMBED_ORIGINS_MAX
    params = {p["name"]: p["schema"] for p in DOCUMENT["paths"]["/api/events"]["get"]["parameters"]}
    assert params["limit"]["maximum"] == validation.LIST_LIMIT_MAX
    params = {p["name"]: p["schema"] for p in DOCUMENT["paths"]["/api/events/{slug}/messages"]["get"]["parameters"]}
    assert params["limit"]["maximum"] == validation.POLL_LIMIT_MAX
    for path in ("/api/events/{slug}/messages", "/api/events/{slug}/stream"):
        params = {p["name"]: p["schema"] for p in DOCUMENT["paths"][path]["get"]["parameters"]}
        assert params["after"] == {"type": "integer", "minimum": 0, "maximum": validation.CURSOR_MAX, "default": 0}
        assert params["reads"] == {"type": "integer", "minimum": 0, "maximum": validation.CURSOR_MAX}
        assert params.get("Last-Event-ID", {"pattern": "^[0-9]{1,18}$"})["pattern"] == "^[0-9]{1,18}$"
    assert len(str(validation.CURSOR_MAX)) == 18
    assert schemas["Event"]["properties"]["state"] == {"$ref": "#/components/schemas/EventState"}
    from chatserver.models import STATES

    assert schemas["EventState"]["enum"] == list(STATES)
    # Clients ignore kinds they do not know: kind is an open string, never a closed enum.
    assert "enum" not in schemas["Item"]["properties"]["kind"]


# -- real answers match the document ----------------------------------------------------------------


_VALIDATORS: dict[str, Any] = {}


def check_reply(reply: Reply, method: str, path: str) -> None:
    """The status is documented for the operation, with this content type, and the body fits its schema."""
    operation = DOCUMENT["paths"][path][method.lower()]
    assert str(reply.status) in operation["responses"], (method, path, reply.status, reply.body)
    response = resolve(operation["responses"][str(reply.status)])
    if "content" not in response:
        return
    content_type = reply.headers.get("Content-Type", "").split(";")[0].strip()
    assert content_type in response["content"], (method, path, reply.status, content_type)
    if content_type == "application/json":
        ref = f"{path} {method} {reply.status}"
        if ref not in _VALIDATORS:
            # The document itself is the root, so its #/components/... references resolve.
            schema = {**response["content"][content_type]["schema"], "components": DOCUMENT["components"]}
            _VALIDATORS[ref] = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
        errors_found = [e.message for e in _VALIDATORS[ref].iter_errors(reply.body)]
        assert not errors_found, (method, path, reply.status, errors_found, reply.body)
    if reply.status == 429:
        assert reply.headers.get("Retry-After", "").isdigit()


async def test_answers_on_the_main_paths_match_the_document(api: Api) -> None:
    E = "/api/events/{slug}"
    created = await api.post(
        "/api/events",
        {
            "title": "Doc check",
            "starts_at": iso_in(-60),
            "ends_at": iso_in(3600),
            "embed_origins": ["https://app.example.org"],
        },
    )
    check_reply(created, "POST", "/api/events")
    slug, key = created.body["event"]["slug"], created.body["host_key"]
    e = f"/api/events/{slug}"
    check_reply(await api.post("/api/events", {"title": ""}), "POST", "/api/events")
    check_reply(await api.get("/api/events?limit=1"), "GET", "/api/events")
    check_reply(await api.get("/api/events?limit=0"), "GET", "/api/events")
    check_reply(await api.get(e), "GET", E)
    check_reply(await api.get("/api/events/nosuchevent"), "GET", E)
    check_reply(await api.patch(e, {"title": "Renamed"}, token=key), "PATCH", E)
    check_reply(await api.patch(e, {"title": "Renamed"}), "PATCH", E)
    check_reply(await api.get(f"{e}/host", token=key), "GET", E + "/host")
    joined = await api.post(f"{e}/participants", {"nickname": "alice"})
    check_reply(joined, "POST", E + "/participants")
    check_reply(await api.post(f"{e}/participants", {"nickname": "ALICE"}), "POST", E + "/participants")
    token, pid = joined.body["token"], joined.body["participant"]["id"]
    posted = await api.post(f"{e}/messages", {"body": "hello", "client_id": "c-1"}, token=token)
    check_reply(posted, "POST", E + "/messages")
    check_reply(
        await api.post(f"{e}/messages", {"body": "hello", "client_id": "c-1"}, token=token), "POST", E + "/messages"
    )
    check_reply(await api.post(f"{e}/messages", {"body": "hello"}), "POST", E + "/messages")
    check_reply(
        await api.post(f"{e}/announcements", {"body": "Ten minutes left."}, token=key), "POST", E + "/announcements"
    )
    check_reply(await api.post(f"{e}/reads", {"last_read_id": 1}, token=token), "POST", E + "/reads")
    check_reply(await api.get(f"{e}/reads"), "GET", E + "/reads")
    check_reply(await api.get(f"{e}/messages?after=0&reads=0", token=token), "GET", E + "/messages")
    check_reply(await api.get(f"{e}/messages?after=99999"), "GET", E + "/messages")
    check_reply(
        await api.delete(f"{e}/messages/{posted.body['message']['id']}", token=key), "DELETE", E + "/messages/{id}"
    )
    check_reply(await api.get(f"{e}/participants"), "GET", E + "/participants")
    check_reply(
        await api.post(f"{e}/participants/{pid}/ban", token=key), "POST", E + "/participants/{participant_id}/ban"
    )
    check_reply(await api.post(f"{e}/messages", {"body": "again"}, token=token), "POST", E + "/messages")
    check_reply(await api.get(f"/e/{slug}/transcript.json"), "GET", "/e/{slug}/transcript.json")
    check_reply(await api.get(f"/e/{slug}/transcript.txt"), "GET", "/e/{slug}/transcript.txt")
    check_reply(await api.get("/e/nosuchevent/transcript.txt"), "GET", "/e/{slug}/transcript.txt")
    check_reply(await api.post(f"{e}/close", token=key), "POST", E + "/close")
    check_reply(await api.post(f"{e}/close", token=key), "POST", E + "/close")
    check_reply(await api.get(f"{e}/messages"), "GET", E + "/messages")
    last = (await api.get(f"{e}/messages")).body["cursor"]
    check_reply(await api.get(f"{e}/stream?after={last}"), "GET", E + "/stream")
    check_reply(await api.get(f"{e}/stream?after=0"), "GET", E + "/stream")
    check_reply(await api.get("/metrics"), "GET", "/metrics")
    check_reply(await api.get("/api/openapi.json"), "GET", "/api/openapi.json")


async def test_files_and_previews_match_the_document(api: Api, chat: Any) -> None:
    """The upload's answers, a message with files, and a link preview (given by the Store, as the
    background fetch does) read back through the poll."""
    from tests.files_helpers import ogg_opus, png, upload

    E = "/api/events/{slug}"
    created = await api.post("/api/events", {"title": "Files", "starts_at": iso_in(-60), "ends_at": iso_in(3600)})
    slug, key = created.body["event"]["slug"], created.body["host_key"]
    e = f"/api/events/{slug}"
    token = (await api.post(f"{e}/participants", {"nickname": "alice"})).body["token"]
    image = await upload(api, slug, token, "slide.png", png(1200, 600))
    check_reply(image, "POST", E + "/files")
    assert image.body["file"]["thumbnail_url"].endswith(".webp")
    voice = await upload(api, slug, key, "voice.ogg", ogg_opus(), duration="2.5")
    check_reply(voice, "POST", E + "/files")
    assert voice.body["file"]["duration"] == 2.5
    check_reply(await upload(api, slug, token, "voice.ogg", ogg_opus(), duration="x"), "POST", E + "/files")
    check_reply(await upload(api, slug, None, "a.png", png()), "POST", E + "/files")
    check_reply(await upload(api, slug, token, "a.svg", b"<svg/>"), "POST", E + "/files")
    check_reply(await api.post(f"{e}/files", {"file": "x"}, token=token), "POST", E + "/files")
    check_reply(await upload(api, "nosuchevent", token, "a.txt", b"hi\n"), "POST", E + "/files")
    posted = await api.post(f"{e}/messages", {"files": [image.body["file"]["id"]]}, token=token)
    check_reply(posted, "POST", E + "/messages")
    staff = await api.post(f"{e}/messages", {"body": "", "files": [voice.body["file"]["id"]]}, token=key)
    check_reply(staff, "POST", E + "/messages")
    check_reply(await api.post(f"{e}/messages", {"files": ["A" * 22]}, token=token), "POST", E + "/messages")
    message = posted.body["message"]
    event = await chat.store.get_event(slug)
    card = {"url": "https://example.org/", "title": "Example", "description": "", "site_name": "example.org"}
    assert await chat.store.add_preview(event.id, message["id"], card, None, 0) is not None
    polled = await api.get(f"{e}/messages?after=0")
    check_reply(polled, "GET", E + "/messages")
    kinds = {item["kind"]: item for item in polled.body["messages"]}
    assert kinds["preview"]["target"] == message["id"] and kinds["preview"]["preview"] == card
    shown = next(item for item in polled.body["messages"] if item["id"] == message["id"])
    assert shown["files"] == message["files"] and shown["preview"] == card
    check_reply(await api.get(f"/e/{slug}/transcript.json"), "GET", "/e/{slug}/transcript.json")
