"""Going live by the deployment guide (docs/deploy.md), its commands run as written: the database
and role, the environment file with a %-encoded password, ``store init`` started twice at once,
the first administrator, the systemd unit's two commands for two servers, log-in, an office
database with no data ("尚无考核数据"), a first import through one server seen through the other,
publishing, a backup, the database renamed away, a new one restored from the backup, and the
administrator recovered from the command line.

The guide's ``sudo -u postgres`` commands run against the test cluster as its superuser, its
``sudo -u revitalization`` commands as this user; /opt/revitalization is this checkout. Steps that
change the machine itself (packages, users, systemctl, nginx; the nginx site has its own test,
``test_proxy.py``) are not run.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import ONE_CHROMIUM, admin
from sqlalchemy import create_engine, make_url, text

from bench.serve import free_port, wait_healthy
from revitalization import demo, importer, publish, schema, store
from revitalization.config import load_config
from revitalization.exports import spreadsheets
from revitalization.paths import ROOT
from revitalization.regions import load_regions

from .test_chromium import CHROMIUM, assert_healthy, click_until, wait_for_map

pytestmark = [ONE_CHROMIUM, pytest.mark.browser, pytest.mark.postgres,
              pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                 reason="TEST_DATABASE_URL 未设置 (PostgreSQL not configured)"),
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium (no system Chromium)")]
GUIDE = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
DB_PASSWORD = "Nong:ban@2026/秋%#?"  # every character the guide says must be encoded
ADMIN_PASSWORD = "Shang-xian-2026!"


def section(number: int) -> str:
    """The text of the guide's section ``number`` (``## 4. …`` up to the next ``## ``)."""
    return re.search(rf"\n## {number}\. .*?(?=\n## |\Z)", GUIDE, re.S).group(0)


def blocks(number: int, lang: str = "bash") -> list[str]:
    """The command lines of the ``lang`` blocks of section ``number``, as written."""
    found = re.findall(rf"```{lang}\n(.*?)```", section(number), re.S)
    return [line for block in found for line in block.splitlines() if line.strip()]


class Machine:
    """Where the guide's commands run here: the test cluster for ``sudo -u postgres``, this
    checkout for /opt/revitalization, a temporary folder for /etc and /var/backups."""

    def __init__(self, folder: Path) -> None:
        cluster = make_url(os.environ["TEST_DATABASE_URL"])
        self.host, self.port = cluster.host or "127.0.0.1", str(cluster.port or 5432)
        self.superuser = cluster.username or "postgres"
        self.folder = folder
        self.env_file = folder / "etc" / "env"
        self.backups = folder / "backups"
        self.backups.mkdir(parents=True)
        self.env_file.parent.mkdir()
        self.admin = create_engine(cluster.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def local(self, command: str) -> tuple[str, dict[str, str]]:
        env = {**os.environ, "REVITALIZATION_ENV": str(self.env_file)}
        for key in ("DATABASE_URL", "REVITALIZATION_AUTH", "REVITALIZATION_ADMIN_PASSWORD"):
            env.pop(key, None)  # only what the environment file says
        if command.startswith("sudo -u postgres "):
            command = command.removeprefix("sudo -u postgres ")
            env.update(PGHOST=self.host, PGPORT=self.port, PGUSER=self.superuser)
        command = command.removeprefix("sudo -u revitalization ")
        command = command.replace("/opt/revitalization", str(ROOT))
        command = command.replace("/var/backups/revitalization", str(self.backups))
        return command, env

    def run(self, command: str, stdin: str = "") -> subprocess.CompletedProcess:
        command, env = self.local(command)
        # a new session has no terminal: password prompts read the input given here
        done = subprocess.run(command, shell=True, env=env, input=stdin, capture_output=True, text=True,
                              timeout=300, cwd=self.folder, start_new_session=True)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        return done

    def start(self, command: str, port: int) -> tuple[str, subprocess.Popen]:
        """A server by the unit's ExecStart line, with the unit's environment file."""
        command, env = self.local(command.replace("%i", str(port)))
        for line in self.env_file.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            env[key] = value
        proc = subprocess.Popen(shlex.split(command), env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        if not wait_healthy(url + "/", proc, seconds=90):
            proc.kill()
            pytest.fail("server did not start: " + proc.stdout.read().decode()[-2000:])
        return url, proc

    def reset(self) -> None:
        """The cluster as a new server has it: no role or database of the guide's."""
        with self.admin.connect() as conn:
            for name in ("revitalization", "revitalization_before_restore"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text("DROP ROLE IF EXISTS revitalization"))


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def log_in(browser, url: str, path: str = "/"):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url + path)
    page.get_by_label("用户名").fill("admin", timeout=60_000)
    page.get_by_label("密码").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("当前用户：省委农办管理员（省级管理员）").wait_for(timeout=60_000)
    return page


def first_year_file(folder: Path) -> Path:
    """The office's 2025 data as a wide workbook (the demo generator's numbers)."""
    config, regions = load_config(), load_regions()
    values = demo.generate(regions, config)
    wide = importer.wide_export(values[values["year"] == 2025], config, regions)
    path = folder / "2025年考核数据.xlsx"
    path.write_bytes(spreadsheets.xlsx_bytes(wide, "2025年"))
    return path


def test_an_office_goes_live_by_the_guide(tmp_path, browser):
    machine = Machine(tmp_path)
    machine.reset()
    try:
        go_live(machine, tmp_path, browser)
    finally:
        machine.reset()
        machine.admin.dispose()


def go_live(machine: Machine, tmp_path: Path, browser) -> None:
    # 2. the role (its password typed twice) and the database
    create_role, create_db = blocks(2)
    machine.run(create_role, stdin=f"{DB_PASSWORD}\n{DB_PASSWORD}\n")
    machine.run(create_db)
    with machine.admin.connect() as conn:
        made = conn.execute(text("SELECT pg_encoding_to_char(encoding), pg_get_userbyid(datdba) "
                                 "FROM pg_database WHERE datname = 'revitalization'")).one()
    assert tuple(made) == ("UTF8", "revitalization")

    # 3. the password encoded for the URL, then the environment file as the guide writes it
    encode, make_folder, make_file, _editor = blocks(3)
    encoded = machine.run(encode, stdin=DB_PASSWORD + "\n").stdout.strip()
    assert encoded == "Nong%3Aban%402026%2F%E7%A7%8B%25%23%3F"
    assert make_folder.startswith("install -d") and make_file.startswith("install -m 600")
    lines = blocks(3, "ini")
    assert lines[0].startswith("DATABASE_URL=") and lines[1] == "REVITALIZATION_AUTH=local"
    machine.env_file.write_text("\n".join(lines).replace("编码后的口令", encoded)
                                .replace("@127.0.0.1/", f"@{machine.host}:{machine.port}/") + "\n", encoding="utf-8")
    machine.env_file.chmod(0o600)

    # 4. init, started twice at once (two servers' start-up racing): both succeed, once
    init, create_admin = blocks(4)
    command, env = machine.local(init)
    racing = [subprocess.Popen(command, shell=True, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in racing]
    assert [p.returncode for p in racing] == [0, 0], outputs
    where = f"postgresql+psycopg://revitalization:***@{machine.host}:{machine.port}/revitalization"
    assert f"已初始化：{where}（结构版本 {schema.head()}）" in outputs[0][0]
    assert encoded not in outputs[0][0] + outputs[0][1] and "Nong" not in outputs[0][0]
    done = machine.run(create_admin, stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    assert f"数据库：{where}" in done.stdout and "已创建：省委农办管理员（省级管理员）" in done.stdout
    status = machine.run(f"{init.rsplit(' ', 1)[0]} status").stdout
    assert "数据：正式数据" in status and "观测值：0 条（尚未导入）" in status

    # 5. the unit's commands: the check before start, then two servers
    unit = section(5)
    check = re.search(r"ExecStartPre=(.*)", unit).group(1)
    start = re.search(r"ExecStart=(.*)", unit).group(1)
    command, env = machine.local(check)
    env.update(dict(line.split("=", 1) for line in machine.env_file.read_text(encoding="utf-8").splitlines()))
    assert subprocess.run(shlex.split(command), env=env, cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    (a, server_a), (b, server_b) = machine.start(start, free_port()), machine.start(start, free_port())
    try:
        # 6. the first log-in: no data yet, and what to do; then the first import, through server A
        page = log_in(browser, a)
        page.get_by_text("尚无考核数据").first.wait_for(timeout=60_000)
        assert "示例数据" not in page.inner_text("body")
        page.get_by_role("link", name="数据管理：导入数据").click()
        page.get_by_text("导入数据").first.wait_for(timeout=60_000)
        page.set_input_files("input[type=file]", str(first_year_file(tmp_path)))
        page.get_by_text("新增").first.wait_for(timeout=120_000)  # the check and its preview
        assert "不是四位年份" not in page.inner_text("body")
        click_until(page, "确认导入", "已导入（批次 1）")
        assert_healthy(page)
        page.close()
        # … seen through server B: the map of all 103 counties
        page = log_in(browser, b)
        wait_for_map(page)
        assert "尚无考核数据" not in page.inner_text("body")
        page.close()
    finally:
        stop(server_a)
        stop(server_b)

    # publishing the year (the 结果发布 page has its own tests)
    url = dict(line.split("=", 1) for line in machine.env_file.read_text(encoding="utf-8").splitlines())["DATABASE_URL"]
    engine = store.make_engine(url)
    try:
        from revitalization.engine import assess

        config, regions = load_config(), load_regions()
        assessment = assess(store.read_observations(engine), regions, config)
        assert publish.publish(engine, assessment, 2025, actor=admin(), config=config, acknowledged=True) == 1
        assert store.status(engine)[3].endswith("条（2025–2025 年）")
    finally:
        engine.dispose()

    # 8. a backup, private from its first byte
    save = next(c for c in blocks(8) if "backup save" in c)
    machine.run(save)
    backup = machine.backups / "看板_手工.bak"
    assert backup.stat().st_mode & 0o777 == 0o600

    # 9. restore as the guide says: the database renamed away, a new one, the backup, init, start
    stop_all, rename, create_again, restore, init_again, _start_all = blocks(9)
    assert stop_all.startswith("systemctl stop")
    machine.run(rename)
    machine.run(create_again)
    machine.run(restore.replace("看板_20261201.bak", backup.name))
    machine.run(init_again)
    url_c, server_c = machine.start(start, free_port())
    try:
        page = log_in(browser, url_c)
        wait_for_map(page)
        assert "2025 年结果已于" in page.inner_text("body")  # the publication came back with the data
        page.close()
    finally:
        stop(server_c)

    # 11. the administrator recovered from the command line (typed twice)
    recover = blocks(11)[0]
    done = machine.run(recover, stdin="Zhao-hui-2026!!\nZhao-hui-2026!!\n")
    assert "已重设 admin 的密码" in done.stdout
