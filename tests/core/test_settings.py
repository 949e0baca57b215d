"""Settings come from the environment first, then the secrets file; log-in fails closed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from revitalization import settings
from revitalization.accounts import auth_mode, check_login
from revitalization.paths import ROOT
from revitalization.settings import SettingsError


@pytest.fixture
def secrets_file(tmp_path, monkeypatch):
    """Write ``.streamlit/secrets.toml`` for the test (and forget it afterwards)."""
    path = tmp_path / "secrets.toml"
    monkeypatch.setattr(settings, "SECRETS", path)
    monkeypatch.delenv("REVITALIZATION_AUTH", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)

    def write(text: str):
        path.write_text(text, encoding="utf-8")
        settings._secrets.cache_clear()
        return path

    settings._secrets.cache_clear()
    yield write
    settings._secrets.cache_clear()


def test_settings_come_from_environment_then_secrets_file(secrets_file, monkeypatch):
    from revitalization.store import database_url

    secrets_file('database_url = "sqlite:///from-secrets.db"\nlogin_mode = "local"\n')
    assert database_url() == "sqlite:///from-secrets.db" and auth_mode() == "local"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.db")
    assert database_url() == "sqlite:///from-env.db"  # the environment wins


@pytest.mark.parametrize("value", ['"local"', "'local'", "Local", "local ", "on", "true", "ldap", "none"])
def test_any_log_in_value_but_off_local_oidc_refuses_to_start(secrets_file, monkeypatch, value):
    """A docker env-file keeps quotes (REVITALIZATION_AUTH="local"): that must not become
    the demo's administrator for everyone."""
    secrets_file("")
    monkeypatch.setenv("REVITALIZATION_AUTH", value)
    with pytest.raises(SettingsError, match=f"的值“{value}”无效，看板拒绝启动：只能是 off、local 或 oidc"):
        auth_mode()


@pytest.mark.parametrize("text", [
    'auth = "oidc"\n[auth]\nredirect_uri = "https://x/oauth2callback"\n',  # the old README's example
    'login_mode = "local"\ndatabase_url = postgresql://no-quotes\n',
    'login_mode = "local\n',
])
def test_a_secrets_file_that_does_not_parse_refuses_to_start(secrets_file, text):
    secrets_file(text)
    with pytest.raises(SettingsError, match=r"secrets.toml 无法解析（.+），看板拒绝启动"):
        auth_mode()


def test_a_secrets_file_in_another_encoding_refuses_to_start(secrets_file):
    secrets_file("")
    settings.SECRETS.write_bytes('# 说明\nlogin_mode = "local"\n'.encode("gbk"))
    with pytest.raises(SettingsError, match="无法解析"):
        auth_mode()


def test_an_oidc_table_without_the_mode_or_the_mode_without_a_table_refuses(secrets_file, monkeypatch):
    secrets_file('[auth]\nredirect_uri = "https://kanban.example/oauth2callback"\n')
    with pytest.raises(SettingsError, match="有统一身份认证的 \\[auth\\] 表，但登录方式不是 oidc"):
        auth_mode()
    secrets_file('login_mode = "oidc"\n[auth]\nredirect_uri = "https://kanban.example/oauth2callback"\n')
    assert auth_mode() == "oidc"
    secrets_file("")
    monkeypatch.setenv("REVITALIZATION_AUTH", "oidc")
    with pytest.raises(SettingsError, match="没有 \\[auth\\] 表"):
        auth_mode()


def test_without_log_in_only_the_demo_database_is_served(secrets_file, monkeypatch):
    secrets_file("")
    assert check_login(demo_database=True) == "off"  # the demo: nothing set, nothing to protect
    with pytest.raises(SettingsError, match="正式数据（不是示例数据），但没有启用登录，看板拒绝启动"):
        check_login(demo_database=False)
    monkeypatch.setenv("REVITALIZATION_AUTH", "off")  # saying off does not open real data either
    with pytest.raises(SettingsError, match="没有启用登录"):
        check_login(demo_database=False)
    monkeypatch.setenv("REVITALIZATION_AUTH", "local")
    assert check_login(demo_database=False) == "local"


def test_the_start_command_refuses_a_bad_log_in_setting(tmp_path):
    """``python -m revitalization.store demo`` (run by ``tasks.py run``) and ``check`` (the systemd
    unit's, before the server) exit non-zero with the reason, so the server never starts."""
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "REVITALIZATION_AUTH": '"local"', "HOME": str(tmp_path)}
    for command in ("demo", "check"):
        done = subprocess.run([sys.executable, "-m", "revitalization.store", command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 2
        assert "看板不能启动" in done.stderr and "“\"local\"”无效" in done.stderr


def test_the_quick_start_listens_on_this_machine_only():
    """``python3 tasks.py run`` serves the demo without log-in: 127.0.0.1 unless asked."""
    sys.path.insert(0, str(ROOT))
    try:
        import tasks
    finally:
        sys.path.remove(str(ROOT))
    assert tasks.quick_start([])[-4:] == ["--server.port", "8501", "--server.address", "127.0.0.1"]
    opened = tasks.quick_start(["--server.address", "0.0.0.0"])
    assert opened.count("--server.address") == 1 and opened[-1] == "0.0.0.0"
    assert tasks.quick_start(["--server.address=0.0.0.0"]).count("127.0.0.1") == 0
