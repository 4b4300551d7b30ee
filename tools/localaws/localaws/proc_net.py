"""Who listens on a TCP port, read from /proc/net/tcp{,6} (Linux only)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

TCP_LISTEN = "0A"
PROC = Path("/proc")


@dataclass(frozen=True)
class Listener:
    address: str
    port: int
    inode: int

    @property
    def is_loopback(self) -> bool:
        return ipaddress.ip_address(self.address).is_loopback


def decode_address(hex_address: str) -> str:
    """/proc/net/tcp hex ("0100007F") to text; each 32-bit word is in host (little) byte order."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def parse_proc_net_tcp(text: str) -> list[Listener]:
    """Listening sockets in the text of /proc/net/tcp or /proc/net/tcp6."""
    listeners = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != TCP_LISTEN:
            continue
        address, port = fields[1].split(":")
        listeners.append(Listener(decode_address(address), int(port, 16), int(fields[9])))
    return listeners


def listeners_on(port: int, proc: Path = PROC) -> list[Listener]:
    found = []
    for name in ("tcp", "tcp6"):
        table = proc / "net" / name
        if table.is_file():
            found += [lst for lst in parse_proc_net_tcp(table.read_text()) if lst.port == port]
    return found


def socket_owners(inodes: set[int], proc: Path = PROC) -> dict[int, int]:
    """Map socket inode -> pid for the processes we may inspect."""
    wanted = {f"socket:[{inode}]": inode for inode in inodes}
    owners: dict[int, int] = {}
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            for fd in (pid_dir / "fd").iterdir():
                inode = wanted.get(_readlink(fd))
                if inode is not None:
                    owners[inode] = int(pid_dir.name)
        except OSError:
            continue
    return owners


def _readlink(path: Path) -> str:
    try:
        return str(path.readlink())
    except OSError:
        return ""


def describe_listeners(port: int, proc: Path = PROC) -> str:
    """A human-readable account of who holds ``port``, for error messages."""
    listeners = listeners_on(port, proc)
    owners = socket_owners({lst.inode for lst in listeners}, proc)
    parts = []
    for lst in listeners:
        pid = owners.get(lst.inode)
        who = f"pid {pid} ({command_line(pid, proc)})" if pid else "an unknown process"
        parts.append(f"{lst.address}:{lst.port} held by {who}")
    return "; ".join(parts)


def command_line(pid: int, proc: Path = PROC) -> str:
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:160] or "?"
