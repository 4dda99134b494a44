#!/usr/bin/env python3
"""An independent PROXY protocol decoder, written from haproxy's doc/proxy-protocol.txt with
Python's own ipaddress module, used by the tests to cross-check RouteX's TypeScript codec.

Reads one hex-encoded header per line on stdin (optionally followed by payload bytes) and prints
one JSON object per line: {"status": "complete", "length": n, "version": 1|2, "command": ...,
"transport": ..., "source": [ip, port] | null, "destination": ..., "tlvs": [[type, hex], ...]}
or {"status": "invalid"} / {"status": "incomplete"}. The v1/v2 choice, strictness and size cap
follow the spec; max header bytes is the first argument (default 536).
"""
import ipaddress
import json
import re
import struct
import sys

SIG = bytes.fromhex("0d0a0d0a000d0a515549540a")
MAX = int(sys.argv[1]) if len(sys.argv) > 1 else 536


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def canon(addr):
    a = ipaddress.ip_address(addr)
    if a.version == 6 and a.ipv4_mapped is not None:
        return str(a.ipv4_mapped)
    return str(a)


def v1(data):
    end = data.find(b"\r\n", 0, 107)
    if end < 0:
        head = data[:107]
        if b"\n" in head or (b"\r" in head[:-1]) or any(c < 0x20 or c > 0x7E for c in head.replace(b"\r", b"")):
            return {"status": "invalid"}
        return {"status": "incomplete"} if len(data) < 107 else {"status": "invalid"}
    line = data[:end]
    if any(c < 0x20 or c > 0x7E for c in line):
        return {"status": "invalid"}
    text = line.decode("ascii")
    if not text.startswith("PROXY "):
        return {"status": "invalid"}
    parts = text[6:].split(" ")
    base = {"status": "complete", "length": end + 2, "version": 1, "command": "proxy", "tlvs": []}
    if parts[0] == "UNKNOWN":
        return dict(base, transport=None, source=None, destination=None)
    if parts[0] not in ("TCP4", "TCP6") or len(parts) != 5:
        return {"status": "invalid"}
    want = 4 if parts[0] == "TCP4" else 6
    try:
        if want == 4 and any(len(o) > 1 and o[0] == "0" for o in parts[1].split(".") + parts[2].split(".")):
            return {"status": "invalid"}
        if "%" in parts[1] or "%" in parts[2]:
            return {"status": "invalid"}
        src, dst = ipaddress.ip_address(parts[1]), ipaddress.ip_address(parts[2])
    except ValueError:
        return {"status": "invalid"}
    if src.version != want or dst.version != want:
        return {"status": "invalid"}
    for p in parts[3:5]:
        if not re.fullmatch(r"0|[1-9][0-9]{0,4}", p) or int(p) > 65535:
            return {"status": "invalid"}
    return dict(base, transport="tcp", source=[canon(parts[1]), int(parts[3])], destination=[canon(parts[2]), int(parts[4])])


def v2(data):
    if len(data) < 16:
        return {"status": "incomplete"}
    ver, cmd, fam = data[12] >> 4, data[12] & 0xF, data[13]
    if ver != 2 or cmd not in (0, 1) or fam not in (0x00, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32):
        return {"status": "invalid"}
    (length,) = struct.unpack("!H", data[14:16])
    total = 16 + length
    if total > MAX:
        return {"status": "invalid"}
    if len(data) < total:
        return {"status": "incomplete"}
    base = {"status": "complete", "length": total, "version": 2, "tlvs": []}
    if cmd == 0:
        return dict(base, command="local", transport=None, source=None, destination=None)
    if fam == 0:
        return dict(base, command="proxy", transport=None, source=None, destination=None)
    alen = {1: 12, 2: 36, 3: 216}[fam >> 4]
    if length < alen:
        return {"status": "invalid"}
    block = data[16:16 + alen]
    transport = "tcp" if fam & 0xF == 1 else "udp"
    src = dst = None
    if fam >> 4 == 1:
        s, d, sp, dp = struct.unpack("!4s4sHH", block)
        src, dst = [canon(ipaddress.IPv4Address(s)), sp], [canon(ipaddress.IPv4Address(d)), dp]
    elif fam >> 4 == 2:
        s, d, sp, dp = struct.unpack("!16s16sHH", block)
        src, dst = [canon(ipaddress.IPv6Address(s)), sp], [canon(ipaddress.IPv6Address(d)), dp]
    tlvs, off = [], 16 + alen
    while off < total:
        if total - off < 3:
            return {"status": "invalid"}
        t, n = data[off], struct.unpack("!H", data[off + 1:off + 3])[0]
        value = data[off + 3:off + 3 + n]
        if off + 3 + n > total or (t == 0x05 and n > 128):
            return {"status": "invalid"}
        if t == 0x03:
            zeroed = data[:off + 3] + b"\0\0\0\0" + data[off + 7:total]
            if n != 4 or struct.unpack("!I", value)[0] != crc32c(zeroed):
                return {"status": "invalid"}
        tlvs.append([t, value.hex()])
        off += 3 + n
    return dict(base, command="proxy", transport=transport, source=src, destination=dst, tlvs=tlvs)


def decode(data):
    if not data:
        return {"status": "incomplete"}
    if data[:12] == SIG[:len(data[:12])] and data[0] == 0x0D:
        return v2(data) if len(data) >= 12 else {"status": "incomplete"}
    if data[:6] == b"PROXY "[:len(data[:6])]:
        return v1(data) if len(data) >= 6 else {"status": "incomplete"}
    return {"status": "invalid"}


for raw in sys.stdin:
    print(json.dumps(decode(bytes.fromhex(raw.strip()))))
