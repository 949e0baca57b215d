"""The upload check runs in a child process: a slow, crashing or memory-hungry job never
reaches the server's interpreter (issue 20: one user's upload must not block the others)."""

from __future__ import annotations

import os
import time

import pandas as pd
import pytest
from conftest import admin

from revitalization import importer, isolation
from revitalization.config import load_config
from revitalization.regions import load_regions


def pid_and(value):
    return os.getpid(), value


def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:  # pure Python: would hold the interpreter lock in-process
        pass
    return "done"


def die():
    os._exit(3)


def hungry():
    return bytearray(4 * 2**30)


def broken():
    raise KeyError("boom")


def test_the_job_runs_in_another_process_and_returns_its_result():
    pid, value = isolation.run(pid_and, {"a": [1, 2]})
    assert pid != os.getpid()
    assert value == {"a": [1, 2]}


def test_the_real_check_gives_the_same_report_as_in_process():
    config, regions = load_config(), load_regions()
    data = "区划代码,年度,农村常住居民人均可支配收入（元）\n420102,2025,21000\n999999,2025,1\n".encode()
    kwargs = {"regions": regions, "config": config,
              "existing": pd.DataFrame(columns=["adcode", "year", "indicator", "value"])}
    there = isolation.run(importer.validate, "a.csv", data, **kwargs, actor=admin())
    here = importer.validate("a.csv", data, **kwargs, actor=admin())
    assert [p.text() for p in there.problems] == [p.text() for p in here.problems]
    assert there.values.equals(here.values)
    assert any("999999" in p.text() for p in there.errors)
    assert len(there.values) == 1


def test_a_job_over_its_time_is_killed_with_a_message():
    start = time.monotonic()
    with pytest.raises(isolation.IsolatedError, match="超过 1 秒"):
        isolation.run(spin, 30, timeout=1)
    assert time.monotonic() - start < 20  # killed, not waited for


def test_a_crashing_job_is_a_message_and_the_next_job_works():
    with pytest.raises(isolation.IsolatedError, match="意外中止"):
        isolation.run(die)
    assert isolation.run(pid_and, 1)[1] == 1


def test_a_job_over_the_memory_cap_is_a_message():
    with pytest.raises(isolation.IsolatedError, match="内存"):
        isolation.run(hungry, memory=512 * 2**20)


def test_a_bug_in_the_job_reaches_the_log_as_an_unexpected_error():
    with pytest.raises(RuntimeError, match="KeyError: 'boom'") as caught:
        isolation.run(broken)
    assert not isinstance(caught.value, isolation.IsolatedError)


def test_the_child_does_not_run_the_servers_main_script(tmp_path):
    """Issue 29 (14): the server's ``__main__`` is the page script (app.py); multiprocessing
    re-ran it in every child (with log-in on it failed there and took the check down). A
    script that counts its own runs starts a check: it ran once, and the check answered."""
    import subprocess
    import sys

    from revitalization.paths import ROOT

    marker = tmp_path / "runs.txt"
    script = tmp_path / "page_script.py"
    script.write_text(f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
with open({str(marker)!r}, "a") as f:
    f.write("ran\\n")
from revitalization import isolation
import operator
if __name__ == "__main__":
    print(isolation.run(operator.add, 2, 3))
""", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5"
    assert marker.read_text().splitlines() == ["ran"]
