"""The deploy playbook applied for real to a Debian 13 root (the touch tests' debootstrap root, under an
overlay so it stays as it was), with `ansible-playbook -c local` inside it, twice: the kiosk, its
configuration, node_exporter and the unit are in place after the first run, and the second changes nothing."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.paths import ROOT
from tests.support.touch_stack import StackUnavailable, debian13_root, mounted, run

pytestmark = pytest.mark.slow
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"}
REPO = "/srv/alt-kiosk"  # the controller's checkout, inside the root


@contextlib.contextmanager
def overlay(lower: Path, scratch: Path) -> Iterator[Path]:
    """`lower` seen through an overlay whose changes land in `scratch` and go with it."""
    upper, work, merged = scratch / "upper", scratch / "work", scratch / "merged"
    for folder in (upper, work, merged):
        folder.mkdir(parents=True)
    run(["mount", "-t", "overlay", "overlay", "-o", f"lowerdir={lower},upperdir={upper},workdir={work}", str(merged)])
    try:
        yield merged
    finally:
        subprocess.run(["umount", str(merged)], check=False)


@pytest.fixture
def debian13(tmp_path: Path) -> Iterator[Path]:
    try:
        lower = debian13_root()
    except StackUnavailable as err:
        if os.environ.get("CI"):
            pytest.fail(f"the Debian 13 root must be built in CI: {err}")
        pytest.skip(f"no Debian 13 root here: {err}")
    with overlay(lower, tmp_path / "overlay") as root, mounted(root):
        yield root


def chroot(root: Path, *command: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["chroot", str(root), *command], env=ENV, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_the_deploy_playbook_installs_the_kiosk_and_a_second_run_changes_nothing(debian13: Path) -> None:
    root = debian13
    # A fresh Debian has no kiosk: the touch tests install one into the shared root, so wipe it here
    # (in the overlay only), or a folder they made hides one the playbook forgot to make.
    for leftover in ("etc/alt-kiosk", "opt/alt-kiosk", "var/lib/alt-kiosk"):
        shutil.rmtree(root / leftover, ignore_errors=True)
    # The controller's side, inside the root: git, Ansible, and a clone of this repository at its HEAD;
    # and systemd, which every booted kiosk has (the root is a minimal image).
    (root / "etc/ssl/certs/ca-certificates.crt").write_bytes(Path("/etc/ssl/certs/ca-certificates.crt").read_bytes())
    assert chroot(root, "apt-get", "update", "-q").returncode == 0
    assert (
        chroot(
            root, "apt-get", "install", "-y", "-q", "--no-install-recommends", "git", "python3-apt", "systemd"
        ).returncode
        == 0
    )
    venv = chroot(root, "python3", "-m", "venv", "/opt/ansible")
    pip = chroot(root, "/opt/ansible/bin/pip", "install", "-q", "ansible-core>=2.15,<2.19")
    assert venv.returncode == pip.returncode == 0, pip.stderr
    run(["git", "clone", "-q", str(ROOT), str(root / REPO.lstrip("/"))])
    inventory = {
        "kiosks": {
            "hosts": {"kiosk": None},
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "/usr/bin/python3",
                "alt_kiosk_source": REPO,
                "alt_kiosk_version": "HEAD",
                "alt_kiosk_start": False,  # no systemd runs in a chroot: enabled, not started
                "alt_kiosk_languages": ["en"],
                "alt_kiosk_pin": "24681357",
            },
        }
    }
    (root / "srv/inventory.yml").write_text(yaml.safe_dump(inventory))
    play = ["/opt/ansible/bin/ansible-playbook", "-i", "/srv/inventory.yml", f"{REPO}/deploy/ansible/deploy.yml"]
    first = chroot(root, "sh", "-c", f"cd {REPO}/deploy/ansible && {' '.join(play)}")
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    second = chroot(root, "sh", "-c", f"cd {REPO}/deploy/ansible && {' '.join(play)}")
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-2000:]
    assert "changed=0" in second.stdout and "failed=0" in second.stdout, second.stdout[-4000:]
    assert "24681357" not in first.stdout + first.stderr + second.stdout + second.stderr
    # What the kiosk box now has.
    assert (root / "etc/systemd/system/multi-user.target.wants/alt-kiosk.service").is_symlink()
    config = yaml.safe_load((root / "etc/alt-kiosk/config.yaml").read_text())
    assert config["languages"] == ["en"] and config["metrics_dir"] == "/var/lib/prometheus/node-exporter"
    assert config["admin_pin_hash"].startswith("scrypt$")
    status = chroot(
        root, "/opt/alt-kiosk/venv/bin/alt-kiosk", "status", "--json", "--config", "/etc/alt-kiosk/config.yaml"
    )
    data = yaml.safe_load(status.stdout)
    assert data["content"]["state"] == "OK" and data["pin"]["set"] and data["pin"]["valid"], status.stdout
    assert (
        "--collector.textfile.directory=/var/lib/prometheus/node-exporter"
        in (root / "etc/default/prometheus-node-exporter").read_text()
    )
    metrics = root / "var/lib/prometheus/node-exporter"
    owner = chroot(root, "stat", "-c", "%G %a", str(metrics).replace(str(root), "", 1))
    assert owner.stdout.split() == ["alt-kiosk", "2775"]
