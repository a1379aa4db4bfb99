"""`summary-archive serve`: the archive in Datasette (read-only), through archive.serve.make_datasette."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import click

from archive.errors import ArchiveError
from summary_archive.errors import RunFailure, UsageProblem


def is_loopback(host: str) -> bool:
    """True when every address `host` names is a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback
                               for info in infos)


def served_url(host: str, port: int) -> str:
    """The URL to open: an IPv6 address in one pair of brackets, given as "::1" or "[::1]"."""
    bare = host.strip("[]")
    return f"http://[{bare}]:{port}/" if ":" in bare else f"http://{bare}:{port}/"


def _bound(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or one line saying why not (uvicorn's own bind failure ends in a
    SystemExit that escapes the event loop with a page of traceback)."""
    name = host.strip("[]")
    try:
        family = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise RunFailure(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((name, port))
    except OSError as exc:
        sock.close()
        raise RunFailure(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


async def _serve(ds: Any, host: str, port: int, db_path: str) -> None:
    """Run Datasette's startup hooks, then uvicorn on its socket; print the URL once it listens."""
    import uvicorn

    sock = _bound(host, port)
    await ds.invoke_startup()
    server = uvicorn.Server(uvicorn.Config(ds.app(), host=host, port=port, log_level="warning",
                                           lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.05)
    if server.started:
        bound = server.servers[0].sockets[0].getsockname()[1]
        click.echo(f"Serving {db_path} at {served_url(host, bound)} (Ctrl-C stops)", err=True)
    try:
        await task
    except SystemExit:  # uvicorn exits when it cannot bind (it has logged why)
        raise RunFailure(f"could not listen on {host}:{port}") from None


@click.command("serve")
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(dir_okay=False), help="The archive file to serve (read-only).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs --public.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--public", is_flag=True,
              help="Allow a non-loopback --host: the archive is published to the network.")
def serve(db_path: str, host: str, port: int, public: bool) -> None:
    """Serve the archive in Datasette: search, facets, article pages, feeds, dashboard, export."""
    if not public and not is_loopback(host):
        raise UsageProblem(f"--host {host} is not a loopback address; add --public to publish "
                           "the archive to the network")
    try:
        from archive.serve import make_datasette
        ds = make_datasette(db_path, public=public)
    except ArchiveError as exc:
        raise UsageProblem(str(exc)) from exc
    try:
        asyncio.run(_serve(ds, host, port, db_path))
    except KeyboardInterrupt:
        pass


COMMANDS: list[click.Command] = [serve]
