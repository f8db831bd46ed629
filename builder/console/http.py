"""The console's HTTP server: waitress, with request bodies held to guard.MAX_BODY and kept in
memory (a larger one is refused on its Content-Length, before a byte of it is read, so nothing is
spooled to disk), waitress's own refusals in the API's JSON, and the client's address taken from a
proxy's header only for requests from that proxy (CPD_DEMO_CONSOLE_TRUSTED_PROXY)."""

import json

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, create_server
from waitress.utilities import Error

from builder.console.guard import MAX_BODY, TOO_LARGE
from builder.errors import UserError

SENTENCES = {413: TOO_LARGE, 431: "The request's headers are too large.",
             400: "The console cannot read that request.", 501: "The console cannot read that request's encoding."}


class JsonError(Error):
    def __init__(self, code: int, reason: str):
        super().__init__(SENTENCES.get(code, "The console cannot answer that request."))
        self.code, self.reason = code, reason

    def to_response(self, ident=None):
        body = json.dumps({"error": self.body}).encode()
        return f"{self.code} {self.reason}", [("Content-Type", "application/json")], body


class Parser(HTTPRequestParser):
    def received(self, data):
        consumed = super().received(data)
        found: Error | None = getattr(self, "error", None)
        if found is not None and not isinstance(found, JsonError):
            setattr(self, "error", JsonError(found.code, found.reason))  # noqa: B010 (waitress's attribute is untyped)
        return consumed


class Channel(HTTPChannel):
    parser_class = Parser


def server(app, host: str, port: int, threads: int, trusted_proxy: str, proxy_header: str):
    """A waitress server bound to host:port (one sentence when it cannot be), not yet running."""
    proxy = ({"trusted_proxy": trusted_proxy, "trusted_proxy_headers": {proxy_header}, "trusted_proxy_count": 1}
             if trusted_proxy else {})
    sockets: dict = {}
    try:
        made = create_server(app, map=sockets, host=host, port=port, threads=threads, ident="cpd-demo console",
                             clear_untrusted_proxy_headers=True, max_request_body_size=MAX_BODY + 1,
                             inbuf_overflow=MAX_BODY + 65536, **proxy)
    except OSError as exc:
        shown = f"[{host}]" if ":" in host else host
        raise UserError(f"Cannot listen on {shown}:{port}: {exc.strerror or exc}.") from None
    for listener in list(sockets.values()):
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = Channel
    return made
