# ruff: noqa: E501  (verbatim /proc/net/tcp lines)
from pathlib import Path

from localaws import proc_net

TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:11D6 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11996 1 0000000038da506f 100 0 0 10 0
   1: 00000000:11D7 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12001 1 0000000038da506f 100 0 0 10 0
   2: 0100007F:11D6 0100007F:E894 06 00000000:00000000 03:000015F8 00000000     0        0 0 3 00000000d43166f5
   3: 0100007F:E88C 0100007F:11D6 01 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 20 4 30 10 -1
"""

TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:11D6 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:11D8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:11D9 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0
"""


def test_decode_ipv4_little_endian() -> None:
    assert proc_net.decode_address("0100007F") == "127.0.0.1"
    assert proc_net.decode_address("00000000") == "0.0.0.0"
    assert proc_net.decode_address("0101A8C0") == "192.168.1.1"


def test_decode_ipv6_words() -> None:
    assert proc_net.decode_address("00000000000000000000000001000000") == "::1"
    assert proc_net.decode_address("00000000000000000000000000000000") == "::"
    assert proc_net.decode_address("0000000000000000FFFF00000100007F") == "127.0.0.1"


def test_parse_keeps_only_listeners() -> None:
    listeners = proc_net.parse_proc_net_tcp(TCP)
    assert [(lst.address, lst.port, lst.inode) for lst in listeners] == [
        ("127.0.0.1", 4566, 11996),
        ("0.0.0.0", 4567, 12001),
    ]
    assert listeners[0].is_loopback
    assert not listeners[1].is_loopback


def test_parse_tcp6() -> None:
    listeners = proc_net.parse_proc_net_tcp(TCP6)
    assert [(lst.address, lst.port, lst.is_loopback) for lst in listeners] == [
        ("::1", 4566, True),
        ("::", 4568, False),
        ("127.0.0.1", 4569, True),
    ]


def test_listeners_on_reads_both_tables(tmp_path: Path) -> None:
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "tcp").write_text(TCP)
    (tmp_path / "net" / "tcp6").write_text(TCP6)
    found = proc_net.listeners_on(4566, proc=tmp_path)
    assert sorted(lst.address for lst in found) == ["127.0.0.1", "::1"]
    assert proc_net.listeners_on(9999, proc=tmp_path) == []


def test_socket_owner_and_description(tmp_path: Path) -> None:
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "tcp").write_text(TCP)
    fd_dir = tmp_path / "4242" / "fd"
    fd_dir.mkdir(parents=True)
    (fd_dir / "3").symlink_to("socket:[12001]")
    (tmp_path / "4242" / "cmdline").write_bytes(b"python\0-m\0http.server\0")
    assert proc_net.socket_owners({12001}, proc=tmp_path) == {12001: 4242}
    text = proc_net.describe_listeners(4567, proc=tmp_path)
    assert text == "0.0.0.0:4567 held by pid 4242 (python -m http.server)"
