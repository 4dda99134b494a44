#!/usr/bin/env python3
"""Plays systemd's side of sd_notify for tests: binds a unix datagram socket (the NOTIFY_SOCKET)
and prints one JSON line per message received. Node cannot bind a datagram unix socket, hence
Python.

On a message containing READY=1 it probes, at once and once each, every --probe-http URL and
every --probe-tcp host:port, before reading the next datagram: if readiness were signalled before
the API or a listener was up, a probe fails here, with no polling to hide it.

Usage: notify-recorder.py SOCKET_PATH [--probe-http URL]... [--probe-tcp HOST:PORT]...
"""
import argparse
import json
import os
import socket
import struct
import sys
import time
import urllib.request


def probe_http(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except Exception as error:  # noqa: BLE001 - any failure is a failed probe
        return str(error)


def probe_tcp(target):
    host, port = target.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError as error:
        return str(error)


def sender_pid(ancillary):
    pid = None
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", data[:12])[0]
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            # systemd-notify's BARRIER=1 passes a pipe; closing it releases the sender.
            for fd in struct.unpack(f"{len(data) // 4}i", data[: len(data) - len(data) % 4]):
                os.close(fd)
    return pid


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket_path")
    parser.add_argument("--probe-http", action="append", default=[])
    parser.add_argument("--probe-tcp", action="append", default=[])
    args = parser.parse_args()

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(args.socket_path)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    print(json.dumps({"bound": args.socket_path}), flush=True)
    while True:
        data, ancillary, _flags, _addr = sock.recvmsg(65536, socket.CMSG_SPACE(64) * 2)
        received_at = time.time()
        message = data.decode("utf-8", "replace")
        record = {"at": received_at, "message": message, "pid": sender_pid(ancillary)}
        if "READY=1" in message.split("\n"):
            record["probes"] = {url: probe_http(url) for url in args.probe_http}
            record["probes"].update({target: probe_tcp(target) for target in args.probe_tcp})
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
