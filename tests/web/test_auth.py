"""The one token check behind the JSON API and the incident pages (incidentbot.web.auth), on a tiny app."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from incidentbot.web.auth import PAGE_COOKIE, authorised, remember_page_token, token_required

TOKEN = "s3cret-token"


@token_required()
async def api_endpoint(request: Request) -> Response:
    return PlainTextResponse("api")


@token_required(page=True)
async def page_endpoint(request: Request) -> Response:
    return remember_page_token(request, PlainTextResponse("page"))


def client(api_token: str | None, base_url: str = "http://testserver") -> TestClient:
    app = Starlette(routes=[Route("/api", api_endpoint), Route("/page", page_endpoint)])
    app.state.api_token = api_token
    return TestClient(app, base_url=base_url)


def request(api_token: str | None, *, headers: dict[str, str] | None = None, query: str = "") -> Request:
    app = Starlette()
    app.state.api_token = api_token
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "app": app, "method": "GET", "path": "/", "headers": raw,
                    "query_string": query.encode()})  # fmt: skip


@pytest.mark.parametrize("api_token", [None, ""])
def test_without_a_configured_token_everything_is_open(api_token: str | None) -> None:
    http = client(api_token)
    assert http.get("/api").text == "api"
    page = http.get("/page?token=anything")
    assert page.text == "page"
    assert "set-cookie" not in page.headers  # there is no token to remember
    assert authorised(request(api_token)) and authorised(request(api_token), page=True)


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}", f"bearer {TOKEN}", f"BEARER   {TOKEN}  "])
def test_the_bearer_header_opens_the_api_and_the_pages(header: str) -> None:
    http = client(TOKEN)
    assert http.get("/api", headers={"Authorization": header}).text == "api"
    page = http.get("/page", headers={"Authorization": header})
    assert page.text == "page"
    assert "set-cookie" not in page.headers
    assert authorised(request(TOKEN, headers={"Authorization": header}))


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}",
                                    TOKEN, "Bearer"])  # fmt: skip
def test_a_missing_or_wrong_token_gets_a_401_in_each_ones_language(header: str | None) -> None:
    http = client(TOKEN)
    headers = {"Authorization": header} if header is not None else {}
    api = http.get("/api", headers=headers)
    assert api.status_code == 401
    assert api.json() == {"error": "send Authorization: Bearer <INCIDENTBOT_API_TOKEN>"}
    assert api.headers["www-authenticate"] == "Bearer"
    page = http.get("/page", headers=headers)
    assert page.status_code == 401
    assert page.headers["content-type"].startswith("text/html")
    assert "?token=" in page.text
    assert not authorised(request(TOKEN, headers=headers), page=True)


def test_a_page_opened_with_the_token_in_its_address_remembers_it_in_a_cookie() -> None:
    http = client(TOKEN)
    first = http.get(f"/page?token={TOKEN}")
    assert first.text == "page"
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{PAGE_COOKIE}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    http.cookies.clear()
    secure = client(TOKEN, base_url="https://testserver").get(f"/page?token={TOKEN}")
    assert "Secure" in secure.headers["set-cookie"]


def test_the_cookie_opens_pages_but_not_the_api() -> None:
    http = client(TOKEN)
    http.cookies.set(PAGE_COOKIE, TOKEN)
    page = http.get("/page")
    assert page.text == "page"
    assert "set-cookie" not in page.headers  # already remembered
    assert http.get("/api").status_code == 401  # the API takes the token only as a header


def test_a_wrong_page_token_or_cookie_is_refused() -> None:
    http = client(TOKEN)
    assert http.get("/page?token=wrong").status_code == 401
    assert "set-cookie" not in http.get("/page?token=wrong").headers
    assert http.get(f"/api?token={TOKEN}").status_code == 401
    http.cookies.set(PAGE_COOKIE, "wrong")
    assert http.get("/page").status_code == 401
    assert http.get(f"/page?token={TOKEN}").status_code == 200  # the address wins over a stale cookie
    assert not authorised(request(TOKEN, query=f"token={TOKEN}"))  # not on the API
    assert authorised(request(TOKEN, query=f"token={TOKEN}"), page=True)
