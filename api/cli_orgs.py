"""`shadows orgs`: create an organisation, and issue, list and revoke its API keys."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer

from api.cli_database import database_url, fail, open_pool, with_conn
from api.settings import get_settings

orgs_app = typer.Typer(help="Organisations and their API keys.", no_args_is_help=True)
keys_app = typer.Typer(help="An organisation's API keys.", no_args_is_help=True)
orgs_app.add_typer(keys_app, name="keys")


@orgs_app.command("create")
def orgs_create(name: Annotated[str, typer.Option("--name", help="Organisation name")]) -> None:
    """Create an organisation and print its API key once, on its own line."""
    from api.db.orgs_repo import create_org
    from api.db.pool import connection
    from api.schemas import has_visible_name, one_line

    line = one_line(name)  # as the API keeps an organisation's name (shown to candidates)
    if not has_visible_name(line) or len(line) > 200:
        raise fail("error: --name must be 1 to 200 characters, one of them a letter or digit")

    async def run() -> tuple[str, str]:
        pool = await open_pool(database_url(get_settings()))
        try:
            async with connection(pool) as conn:
                org_id, key = await create_org(conn, line)
                return str(org_id), key
        finally:
            await pool.close()

    org_id, key = asyncio.run(run())
    typer.echo(f"created organisation {org_id}; its API key, shown once, is on the next line")
    typer.echo(key)


async def _org_id(conn: Any, slug: str) -> Any:
    from api.db.orgs_repo import get_org_by_slug

    org = await get_org_by_slug(conn, slug)
    if org is None:
        raise fail(f"error: no organisation with the slug {slug!r}")
    return org["id"]


def _key_line(row: dict[str, Any]) -> str:
    def at(value: Any) -> str:
        return value.isoformat(timespec="seconds") if value is not None else "-"

    state = f"revoked {at(row['revoked_at'])}" if row["revoked_at"] is not None else "active"
    # The key whose request issued it (its prefix outlives its row), or the operator's CLI.
    issuer = f"{row['issued_by_key_prefix']}…" if row["issued_by_key_prefix"] is not None else "cli"
    return (
        f"{row['id']}  {row['prefix']}…  {state:<34}  created {at(row['created_at'])}  "
        f"last used {at(row['last_used_at'])}  issued by {issuer:<9}  {row['name'] or ''}".rstrip()
    )


@keys_app.command("create")
def orgs_keys_create(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug")],
    name: Annotated[str | None, typer.Option("--name", help="A label for the key")] = None,
) -> None:
    """Issue another API key for the organisation and print it once, on its own line (its other keys keep working;
    at most 20 active)."""
    from api import api_keys
    from api.errors import ApiError

    if name is not None and (not name.strip() or len(name) > api_keys.NAME_MAX or not name.isprintable()):
        raise fail(f"error: --name must be 1 to {api_keys.NAME_MAX} printable characters")

    async def work(conn: Any) -> tuple[dict[str, Any], str]:
        return await api_keys.issue(conn, await _org_id(conn, org), name.strip() if name else None)

    try:
        row, key = asyncio.run(with_conn(work))
    except ApiError as e:
        raise fail(f"error: {e.message}") from e
    typer.echo(f"created API key {row['id']} for {org}; the key, shown once, is on the next line")
    typer.echo(key)


@keys_app.command("list")
def orgs_keys_list(org: Annotated[str, typer.Option("--org", help="The organisation's slug")]) -> None:
    """The organisation's API keys, newest first (the 100 newest): id, prefix, state, dates, name. Never a key."""
    from api.db import api_keys_repo

    async def work(conn: Any) -> list[dict[str, Any]]:
        return await api_keys_repo.list_keys(conn, await _org_id(conn, org), 100)

    for row in asyncio.run(with_conn(work)):
        typer.echo(_key_line(row))


@keys_app.command("revoke")
def orgs_keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (from `keys list`)")],
    with_issued: Annotated[
        bool,
        typer.Option(
            "--with-issued",
            help="Also revoke every key this key issued, and those they issued, on down (for a leaked key)",
        ),
    ] = False,
) -> None:
    """Revoke an API key at once, on every replica. Unlike DELETE /v1/api-keys/{id}, this may revoke an
    organisation's last active key: the operator's recovery path when it leaked (create a new one first, with
    `keys create`, or the organisation has no way into the API until you do). With `--with-issued`, as the API's
    `?with_issued=true`: the keys it issued, transitively, go with it in one transaction (even when it was revoked
    before), each printed on a line of its own."""
    from uuid import UUID

    from api import api_keys
    from api.db import api_keys_repo
    from api.errors import ApiError

    try:
        parsed = UUID(key_id)
    except ValueError as e:
        raise fail(f"error: {key_id!r} is not a key id") from e

    async def work(conn: Any) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
        row, also = await api_keys.revoke_with_issued(
            conn, parsed, None, with_issued=with_issued, allow_last=True
        )
        return row, also, await api_keys_repo.count_active(conn, row["organization_id"])

    try:
        row, also, active = asyncio.run(with_conn(work))
    except ApiError as e:
        raise fail(f"error: {e.message}") from e
    typer.echo(f"revoked {_key_line(row)}")
    for issued in also:
        typer.echo(f"revoked {_key_line(issued)}")
    if active == 0:
        typer.secho(
            "warning: the organisation has no active API key left; issue one with `shadows orgs keys create`",
            fg=typer.colors.YELLOW,
            err=True,
        )
