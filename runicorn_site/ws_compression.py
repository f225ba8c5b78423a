"""WebSocket permessage-deflate (RFC 7692) for daphne, which offers no setting for it.

Daphne builds its autobahn ``WebSocketFactory`` inside ``Server.run`` with a fixed set of options
and never sets ``perMessageCompressionAccept``, so autobahn declines every compression offer. The
factory class daphne uses is swapped for a subclass that accepts a client's permessage-deflate
offer; everything else about the factory is daphne's. Live metric rows and log lines are repetitive
JSON, which deflate shrinks several times over; a client that offers nothing gets plain frames.
"""

from __future__ import annotations

from typing import Any


def _accept_deflate(offers: list[Any]) -> Any:
    from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept

    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(offer)
    return None


def enable_permessage_deflate() -> None:
    """Make the daphne servers started after this call accept permessage-deflate."""
    import daphne.server
    from daphne.ws_protocol import WebSocketFactory

    if getattr(daphne.server.WebSocketFactory, "runicorn_deflate", False):
        return

    class DeflatingWebSocketFactory(WebSocketFactory):  # type: ignore[misc]  # untyped base
        runicorn_deflate = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setProtocolOptions(perMessageCompressionAccept=_accept_deflate)

    daphne.server.WebSocketFactory = DeflatingWebSocketFactory
