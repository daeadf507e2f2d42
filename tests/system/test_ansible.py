"""The Ansible playbooks in deploy/ansible: they parse, and the content rollout runs for real over three
kiosks on this machine (one state folder each, Ansible's local connection): the canary takes the pack,
the next one refuses it (its configuration offers a language the pack dropped) and is rolled back, and
the rollout stops before the third."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.paths import CONTENT, ROOT

pytestmark = pytest.mark.slow
PLAYBOOKS = ROOT / "deploy" / "ansible"
BIN = Path(sys.executable).parent


def ansible(*args: str, cwd: Path = PLAYBOOKS) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_CONFIG": str(PLAYBOOKS / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    env["PATH"] = f"{BIN}:{env['PATH']}"
    return subprocess.run(
        [str(BIN / "ansible-playbook"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("playbook", ["deploy.yml", "content.yml", "pin.yml"])
def test_the_playbooks_parse(playbook: str) -> None:
    result = ansible("--syntax-check", "-i", "inventory.example.yml", playbook)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ansible_lint_finds_nothing() -> None:
    env = {**os.environ, "ANSIBLE_CONFIG": str(PLAYBOOKS / "ansible.cfg"), "NO_COLOR": "1"}
    env["PATH"] = f"{BIN}:{env['PATH']}"
    command = [str(BIN / "ansible-lint"), "--offline", "deploy.yml", "content.yml", "pin.yml", "roles/alt_kiosk"]
    result = subprocess.run(command, cwd=PLAYBOOKS, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failure(s), 0 warning(s)" in result.stdout + result.stderr


def kiosk(tmp_path: Path, name: str, languages: list[str]) -> Path:
    """A kiosk's configuration and state on this machine, with the bundled content installed."""
    home = tmp_path / name
    config = home / "config.yaml"
    home.mkdir()
    config.write_text(
        f"content_dir: {home / 'content'}\nstate_dir: {home / 'state'}\nlanguages: {json.dumps(languages)}\n"
    )
    alt_kiosk("content", "install", str(CONTENT), "--config", str(config))
    return config


def alt_kiosk(*args: str) -> dict[str, object]:
    result = subprocess.run([str(BIN / "alt-kiosk"), *args], capture_output=True, text=True, check=False)
    if args[0] == "status":
        return json.loads(result.stdout)  # type: ignore[no-any-return]
    assert result.returncode == 0, result.stdout + result.stderr
    return {}


def local_kiosks(tmp_path: Path, configs: dict[str, Path], **extra: object) -> Path:
    """An inventory of kiosks on this machine (Ansible's local connection), one per configuration."""
    inventory = {
        "kiosks": {
            "hosts": {
                name: {"alt_kiosk_config": str(config), "alt_kiosk_kiosk_pack": str(tmp_path / name / "pack")}
                for name, config in configs.items()
            },
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "ansible_become": False,
                "alt_kiosk_bin": str(BIN / "alt-kiosk"),
                "alt_kiosk_controller_bin": str(BIN / "alt-kiosk"),
                **extra,
            },
        }
    }
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(inventory))
    return path


def test_a_rollout_stops_at_the_first_kiosk_that_refuses_and_rolls_it_back(tmp_path: Path) -> None:
    hosts = {"canary": ["en"], "refuses": ["en", "zh"], "untouched": ["en", "zh"]}
    configs = {name: kiosk(tmp_path, name, languages) for name, languages in hosts.items()}
    pack = tmp_path / "pack"
    shutil.copytree(CONTENT, pack)
    shutil.rmtree(pack / "zh")  # a pack without Chinese: a kiosk that offers Chinese must refuse it
    language = pack / "en" / "language.yaml"
    language.write_text(language.read_text().replace("2026.11.27-1", "2026.12.04-1"))
    inventory = local_kiosks(tmp_path, configs, alt_kiosk_batches=[1, 1, 1], alt_kiosk_live_timeout=10)
    result = ansible("-i", str(inventory), "content.yml", "-e", f"alt_kiosk_pack={pack}")
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "refuses did not take the pack and was rolled back" in out, out
    canary, refused, untouched = (alt_kiosk("status", "--json", "--config", str(configs[n])) for n in hosts)
    assert canary["content"] == {**canary["content"], "state": "OK", "versions": {"en": "2026.12.04-1"}}  # type: ignore[dict-item]
    assert refused["content"]["versions"] == {"en": "2026.11.27-1", "zh": "2026.11.26-1"}  # type: ignore[index]
    assert refused["configuration"]["problems"] == []  # type: ignore[index]
    assert untouched["content"]["versions"] == {"en": "2026.11.27-1", "zh": "2026.11.26-1"}  # type: ignore[index]
    assert not (tmp_path / "untouched" / "pack").exists()  # the rollout stopped before it


def test_the_pin_playbook_sets_the_pin_once_and_never_shows_it(tmp_path: Path) -> None:
    from kiosk.station.admin_pin import check_pin
    from kiosk.station.config import load_settings
    from kiosk.station.settings import Settings

    config = kiosk(tmp_path, "k", ["en"])
    host = {"alt_kiosk_config": str(config), "alt_kiosk_venv": str(BIN.parent), "alt_kiosk_start": False}
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, "ansible_become": False}
    inventory = {"kiosks": {"hosts": {"k": host}, "vars": local}}
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump(inventory))
    runs = [ansible("-i", str(tmp_path / "inventory.yml"), "pin.yml", "-e", "alt_kiosk_pin=24681357") for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stdout + run.stderr
        assert "24681357" not in run.stdout + run.stderr
    assert "changed=1" in runs[0].stdout and "changed=0" in runs[1].stdout  # the second run changes nothing
    stored = load_settings(config, Settings(CONTENT)).admin_pin_hash
    assert stored is not None and check_pin("24681357", stored)


def test_a_rollout_refuses_an_unsigned_pack_on_the_controller(tmp_path: Path) -> None:
    """With signers given, the controller's check refuses a pack no listed clinician signed: no kiosk changes."""
    config = kiosk(tmp_path, "kiosk", ["en"])
    key = tmp_path / "reviewer"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "r", "-f", str(key)], check=True)
    signers = tmp_path / "allowed_signers"
    signers.write_text(f'dr@clinic namespaces="alt-kiosk-content" {key.with_suffix(".pub").read_text()}')
    inventory = local_kiosks(tmp_path, {"kiosk": config})
    args = ["-i", str(inventory), "content.yml", "-e", f"alt_kiosk_pack={CONTENT}"]
    result = ansible(*args, "-e", f"alt_kiosk_content_signers={signers}")
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "signed-content.txt:1:1: signature: content is not signed" in out, out
    assert not (tmp_path / "kiosk" / "pack").exists()  # nothing was copied to the kiosk
