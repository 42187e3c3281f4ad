"""The client's network address: the one answer audit records, sign-in lockouts and rate
limits all use.

Behind nginx every request comes from nginx's own address, so `REMOTE_ADDR` alone made the
whole bureau one client: one person's failed sign-ins locked everyone out, a per-address
rate limit became a county-wide quota, and every audit record said 127.0.0.1. The client's
own address is then in `X-Forwarded-For`, which nginx extends with the address it saw
(`$proxy_add_x_forwarded_for`). Anyone can send that header, though, so it is believed only
as far as it was written by a proxy we trust (`FANGKONG_TRUSTED_PROXIES`, addresses or CIDR
networks, empty by default): the header is read from the right, past the trusted proxies,
and the first address that is not one of them is the client. A header that arrives from an
untrusted address changes nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# A proxy chain longer than this is not ours: hops beyond it are not read (nginx allows
# headers of 8 KB, a few hundred addresses; reading them all would cost for nothing).
MAX_HOPS = 16


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    # Each entry was checked when the settings were read (settings.envnetworks).
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    return _trusted(tuple(settings.FANGKONG.get("TRUSTED_PROXIES") or ()))


def _address(text: str) -> IPAddress | None:
    """An address as a proxy writes it, or None; IPv4-mapped IPv6 as IPv4, so one client has
    one address whichever way it came."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def _is_trusted(addr: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(addr in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`, or None when the server got none."""
    remote = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return None
    networks = trusted_proxies()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = forwarded.rsplit(",", MAX_HOPS)[-MAX_HOPS:] if forwarded else []
    client = remote
    for hop in reversed(hops):
        addr = _address(hop)
        if addr is None:
            # Not written by a proxy of ours (nginx writes the address it saw): whatever
            # stands further left cannot be believed either. The last hop we could read
            # is the client as far as we know.
            break
        client = addr
        if not _is_trusted(addr, networks):
            break
    return str(client)
