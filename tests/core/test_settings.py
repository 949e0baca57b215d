"""Settings come from the environment first, then the secrets file."""

from __future__ import annotations


def test_settings_come_from_environment_then_secrets_file(tmp_path, monkeypatch):
    from revitalization import settings
    from revitalization.store import database_url

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('database_url = "sqlite:///from-secrets.db"\nauth = "local"\n', encoding="utf-8")
    monkeypatch.setattr(settings, "SECRETS", secrets)
    settings._secrets.cache_clear()
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REVITALIZATION_AUTH", raising=False)
    from revitalization.accounts import auth_mode

    assert database_url() == "sqlite:///from-secrets.db" and auth_mode() == "local"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.db")
    assert database_url() == "sqlite:///from-env.db"  # the environment wins
    settings._secrets.cache_clear()
