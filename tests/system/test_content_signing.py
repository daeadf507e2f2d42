"""Clinical sign-off with real OpenSSH keys: signed content goes live; a changed byte, an unknown signer, an
expired signer and a missing signature are each refused everywhere, and the last good copy is served."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.problems import InvalidFiles
from kiosk.station.content_install import install
from kiosk.station.content_store import ContentStore
from kiosk.station.settings import Settings
from kiosk.station.signing import MANIFEST, NAMESPACE, SIGNATURE
from kiosk.station.status import status
from tests.support.paths import CONTENT

SIGNER = "dr.chen@clinic.example"


def _key(folder: Path, name: str) -> tuple[Path, str]:
    """A new Ed25519 key pair; its private key file and its public key line."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (folder / f"{name}.pub").read_text(encoding="utf-8").strip()


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(content signed by SIGNER, an allowed_signers file listing SIGNER, SIGNER's private key)."""
    key, public = _key(tmp_path, "reviewer")
    signers = tmp_path / "allowed_signers"
    signers.write_text(f'{SIGNER} namespaces="{NAMESPACE}" {public}\n', encoding="utf-8")
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    assert main(["content", "sign", str(folder), "--key", str(key), "--signer", SIGNER]) == 0
    assert (folder / MANIFEST).is_file() and (folder / SIGNATURE).is_file()
    return folder, signers, key


def _refused_everywhere(folder: Path, signers: Path, tmp_path: Path, message: str) -> None:
    """`content check --signers`, `content install` and the live kiosk's start refuse `folder`; a kiosk that
    served signed content keeps serving it."""
    assert main(["content", "check", str(folder), "--signers", str(signers)]) == 1
    with pytest.raises(InvalidFiles, match=message):
        install(folder, tmp_path / "installed", signers)
    state = ContentStore(folder, tmp_path / "state", signers).load()
    assert state.from_backup and state.problems and message in str(state.problems[0]), state.problems


def test_signed_content_goes_live_and_says_who_signed_it(
    signed: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, signers, _ = signed
    assert main(["content", "check", str(folder), "--signers", str(signers)]) == 0
    assert f"signed by {SIGNER}" in capsys.readouterr().out
    state = ContentStore(folder, tmp_path / "state", signers).load()
    assert not state.problems and state.signature is not None and state.signature.signer == SIGNER
    lines, _ = status(Settings(folder, state_dir=tmp_path / "state", content_signers=signers))
    assert any(line.startswith("content: OK") and f"signed by {SIGNER}" in line for line in lines), lines
    install(folder, tmp_path / "installed", signers)  # the signature travels with what it signed
    assert (tmp_path / "installed" / SIGNATURE).is_file()
    assert ContentStore(tmp_path / "installed", tmp_path / "state2", signers).load().signature is not None


@pytest.mark.parametrize(
    "fault", ["one changed byte", "an added language file", "unknown signer", "expired signer", "no signature"]
)
def test_a_bad_signature_is_refused_and_the_last_good_copy_served(
    signed: tuple[Path, Path, Path], tmp_path: Path, fault: str
) -> None:
    folder, signers, _ = signed
    ContentStore(folder, tmp_path / "state", signers).load()  # live: the last good copy is the signed content
    message = "signature"
    if fault == "one changed byte":
        tip = folder / "en" / "advice.yaml"
        tip.write_bytes(tip.read_bytes().replace(b"Stop drinking", b"stop drinking", 1))
        message = "en/advice.yaml is not what"
    elif fault == "an added language file":
        shutil.copytree(folder / "en", folder / "fr")
        (folder / "fr" / "language.yaml").write_text(
            (folder / "en" / "language.yaml").read_text(encoding="utf-8").replace("code: en", "code: fr")
            + 'safety: {disclaimer_says: ["does not diagnose"], forbidden: ["xyzzy"]}\n',
            encoding="utf-8",
        )
        message = "is not what"
    elif fault == "unknown signer":
        _, other = _key(tmp_path, "someone-else")
        signers.write_text(f'{SIGNER} namespaces="{NAMESPACE}" {other}\n', encoding="utf-8")
        message = "is not valid"
    elif fault == "expired signer":
        line = signers.read_text(encoding="utf-8")
        signers.write_text(f'{SIGNER} valid-before="20200101",{line.split(" ", 1)[1]}', encoding="utf-8")
        message = "is not valid"
    else:
        (folder / SIGNATURE).unlink()
        message = "content is not signed"
    _refused_everywhere(folder, signers, tmp_path, message)
    live = ContentStore(folder, tmp_path / "state", signers)
    live.live = live.load().packs
    polled = live.check()  # as the running kiosk's poll and SIGHUP
    assert polled is not None and polled.problems and not polled.packs


def test_unsigned_content_is_refused_by_the_rollouts_check(tmp_path: Path, signed: tuple[Path, Path, Path]) -> None:
    _, signers, _ = signed
    plain = tmp_path / "unsigned"
    shutil.copytree(CONTENT, plain)
    assert main(["content", "check", str(plain), "--signers", str(signers), "--versions"]) == 1


def test_review_shows_every_text_and_what_changed(
    signed: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _, _ = signed
    new = tmp_path / "new"
    shutil.copytree(folder, new)
    tip = new / "en" / "advice.yaml"
    tip.write_text(
        tip.read_text(encoding="utf-8").replace("Stop drinking alcohol now.", "Stop all alcohol now."), "utf-8"
    )
    assert main(["content", "review", str(new), "--since", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "### Tip alcohol: text — CHANGED" in out and "Stop all alcohol now." in out
    assert f"Changed since {SIGNER} signed it: en/advice.yaml" in out
    assert "### Question 1 (warning_signs)\n" in out and "Shown: Yellow skin" not in out  # whole texts, in order
    assert (
        out.index("Welcome screen: title") < out.index("Question 1") < out.index("Tip alcohol") < out.index("Goodbye")
    )


def test_the_metrics_name_who_signed_the_live_content() -> None:
    from kiosk.station.metrics import Counters, Station, render

    station = Station(
        "1", {}, 0.0, True, True, False, True, content_signer=SIGNER, content_signed="2026-12-07T19:00:00Z"
    )
    text = render(station, Counters())
    assert f'alt_kiosk_content_signed_info{{signer="{SIGNER}",signed="2026-12-07T19:00:00Z"}} 1' in text
    assert "alt_kiosk_content_signed_info{" not in render(Station("1", {}, 0.0, True, True, False, True), Counters())
