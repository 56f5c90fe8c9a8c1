"""Live captions: `GET /api/live` (WebSocket) and `POST /api/live/token`.

The WebSocket speaks the protocol in docs/API.md (`api.live_socket`). With API keys configured
it needs `Authorization: Bearer <key>`, or — since a browser's WebSocket cannot send headers —
`?token=` with a token from `POST /api/live/token`: signed like the link tokens of
`api.security`, for live streams of the key's owner only, short-lived, so the key itself
never goes into a URL. The connection is accepted first so a refused one still gets its error
frame and a close code.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, WebSocket

from video_transcriber.api.deps import OwnerDep, SignerDep
from video_transcriber.api.live_socket import (
    CLOSE_POLICY,
    LiveSocket,
    Refusal,
    parse_params,
    refuse,
    run,
)
from video_transcriber.api.schemas import LinkTokenPublic
from video_transcriber.api.security import KeyRing, LinkSigner
from video_transcriber.config import Settings

LIVE_SUBJECT = "live"
"""What live tokens are signed for, in place of a job id."""

router = APIRouter(tags=["live"])


@router.post("/api/live/token", response_model=LinkTokenPublic)
def live_token(owner: OwnerDep, signer: SignerDep) -> LinkTokenPublic:
    """A short-lived token for `GET /api/live?token=` (browsers cannot send `Authorization`
    on a WebSocket)."""
    link = signer.mint(LIVE_SUBJECT, owner)
    return LinkTokenPublic(
        token=f"{owner}.{link.token}", expires_at=datetime.fromtimestamp(link.expires_at, UTC)
    )


def socket_owner(websocket: WebSocket) -> str | None:
    """The caller's owner from the header or a live token; None if neither is valid."""
    keys: KeyRing = websocket.app.state.keys
    if not keys.required or "authorization" in websocket.headers:
        return keys.owner_for(websocket.headers.get("authorization"))
    owner, _, token = websocket.query_params.get("token", "").partition(".")
    signer: LinkSigner = websocket.app.state.link_signer
    if keys.knows(owner) and signer.verify(token, LIVE_SUBJECT, owner):
        return owner
    return None


@router.websocket("/api/live")
async def live(websocket: WebSocket) -> None:
    """Stream PCM in, get captions out; see docs/API.md, "Live captions"."""
    await websocket.accept()
    settings: Settings = websocket.app.state.settings
    owner = socket_owner(websocket)
    if owner is None:
        await refuse(
            websocket,
            "Send a valid API key as 'Authorization: Bearer <key>', or a token from "
            "POST /api/live/token as ?token=.",
            CLOSE_POLICY,
        )
        return
    if not settings.live.enabled:
        await refuse(websocket, "Live captions are turned off here (VT_LIVE__ENABLED).", 1008)
        return
    try:
        params = parse_params(websocket.query_params, settings, websocket.app.state.models)
    except Refusal as refusal:
        await refuse(websocket, str(refusal), refusal.code)
        return
    state = websocket.app.state
    socket = LiveSocket(state.live, state.intake, state.layout.incoming, settings)
    await run(socket, websocket, owner, params)
