import subprocess
import time
from pathlib import Path

from localaws import process


def _fake_proc(tmp_path: Path, rows: dict[int, tuple[int, int, str, int]]) -> Path:
    for pid, (ppid, pgid, state, rss) in rows.items():
        folder = tmp_path / str(pid)
        folder.mkdir()
        (folder / "stat").write_text(f"{pid} (a (weird) name) {state} {ppid} {pgid} {pgid} 0 -1\n")
        (folder / "status").write_text(f"Name:\tx\nVmRSS:\t  {rss} kB\nThreads:\t1\n")
    return tmp_path


def test_tree_follows_children_and_group(tmp_path: Path) -> None:
    proc = _fake_proc(
        tmp_path,
        {
            1: (0, 1, "S", 10),
            100: (1, 100, "S", 1024),
            101: (100, 100, "S", 2048),
            102: (101, 555, "S", 1024),  # left the group but is a descendant
            103: (1, 100, "S", 1024),  # orphaned, still in the group
            104: (100, 100, "Z", 0),  # zombie: ignored
            200: (1, 200, "S", 4096),  # unrelated
        },
    )
    pids = process.tree(100, 100, proc=proc)
    assert pids == [100, 101, 102, 103]
    assert process.tree_rss_mb(pids, proc=proc) == 5.0
    assert process.tree(100, None, proc=proc) == [100, 101, 102]


def test_is_alive_false_for_missing_and_zombie(tmp_path: Path) -> None:
    proc = _fake_proc(tmp_path, {7: (1, 7, "Z", 0), 8: (1, 8, "R", 0)})
    assert not process.is_alive(7, proc=proc)
    assert not process.is_alive(9, proc=proc)
    assert process.is_alive(8, proc=proc)


def test_stop_tree_kills_term_ignoring_descendants() -> None:
    script = "trap '' TERM; (trap '' TERM; setsid sleep 300 & sleep 300) & sleep 300"
    child = subprocess.Popen(["sh", "-c", script], start_new_session=True)
    time.sleep(0.5)
    pids = process.tree(child.pid, child.pid)
    assert len(pids) >= 4
    killed = process.stop_tree(child.pid, child.pid, grace=0.5)
    child.wait(timeout=5)
    assert killed, "the TERM-ignoring processes needed SIGKILL"
    assert not [pid for pid in pids if process.is_alive(pid)]
