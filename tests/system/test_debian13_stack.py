"""The installed kiosk on Debian 13's touch stack, beyond a patient's taps (test_touch_e2e.py): the unit's
reload, the touch install's plan and foot's settings, espeak-ng reading Chinese characters."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.touch_stack import TouchKiosk, run

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "test-artifacts" / "touch"


def test_reload_through_the_units_own_command_reaches_the_kiosk_not_cage(stack_root: Path) -> None:
    """`systemctl reload` on the touch unit: the kiosk (which names itself the main process) re-reads its
    configuration and content; cage and foot stay, and so does the kiosk."""
    content = stack_root / "home/kiosk/reload-content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(stack_root / "opt/alt-kiosk/src/content", content)
    run(["chroot", str(stack_root), "chown", "-R", "kiosk:kiosk", "/home/kiosk/reload-content"])
    config = "content_dir: /home/kiosk/reload-content\nstate_dir: /home/kiosk/state\nsound: false\nspeech_engine: {en: off}\n"
    kiosk = TouchKiosk(stack_root, (800, 480), config)
    try:
        kiosk.journal.wait_for("screen welcome")
        main_pid = kiosk.notify.main_pid()
        assert "alt-kiosk run" in Path(f"/proc/{main_pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        screens = content / "en" / "screens.yaml"
        screens.write_text(screens.read_text().replace("title: Liver test helper", "title: Liver helper v2"))
        before = len(kiosk.journal.messages())
        kiosk.reload()
        kiosk.journal.wait_for("configuration reloaded", after=before)
        kiosk.journal.wait_for("content applied", after=before)
        time.sleep(1.0)
        assert kiosk.proc.poll() is None and Path(f"/proc/{main_pid}").exists()  # cage, foot and the kiosk stay
        assert not any("terminal hung up" in m for m in kiosk.journal.messages()[before:])
        kiosk.screenshot(ARTIFACTS / "reloaded-800x480.png")
    finally:
        kiosk.close()


def test_on_debian_13_touch_install_plans_every_step_and_foot_accepts_its_settings(stack_root: Path) -> None:
    venv = "/opt/alt-kiosk/venv/bin/alt-kiosk"
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
    plan = run(["chroot", str(stack_root), venv, "service", "install", "--touch", "--dry-run"], env=env).stdout
    for step in (
        "apt-get install",
        "cage foot xwayland",
        "foot --check-config",
        "service foot-config",
        "alt-kiosk-touch",
    ):
        assert step in plan, step
    assert plan.rstrip().endswith("dry run: nothing was changed")
    run(["chroot", str(stack_root), "foot", "--check-config", "--config=/etc/alt-kiosk/foot.ini"], env=env)
    # Chinese: the font foot's config names is there, and fontconfig finds it for Chinese text.
    fallback = "Noto Sans Mono CJK SC"
    assert f",{fallback}:size=" in (stack_root / "etc/alt-kiosk/foot.ini").read_text()
    matched = run(["chroot", str(stack_root), "fc-match", "-f", "%{family}", fallback], env=env).stdout
    assert fallback in matched, matched
    assert fallback in run(["chroot", str(stack_root), "fc-list", ":lang=zh-cn", "family"], env=env).stdout


def test_on_debian_13_espeak_ng_reads_chinese_characters_in_mandarin(stack_root: Path, tmp_path: Path) -> None:
    """Debian 13's espeak-ng 1.52 reads cmn tones right, so the kiosk gives it the characters themselves (on
    Debian 12's 1.51 it gets numbered pinyin: test_chinese.py); every syllable stays Mandarin, and the whole
    Chinese content renders to speech through the installed kiosk."""
    import json
    import re

    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
    python = "/opt/alt-kiosk/venv/bin/python"
    program = (ROOT / "tests/support/programs/speak_chinese.py").read_text(encoding="utf-8")
    result = json.loads(run(["chroot", str(stack_root), python, "-c", program], env=env).stdout)
    assert tuple(result["version"]) >= (1, 52), result["version"]
    assert len(result["spoken"]) >= 20  # every Chinese prompt (a prompt may hold several sentences)
    for said, voice, phonemes in result["spoken"]:
        assert voice == "cmn" and re.search("[\u4e00-\u9fff]", said), said  # characters, not pinyin
        # English only where the text has Latin letters ("A L T"); 1.51 read every tone as an English number.
        assert phonemes.count("(en)") <= len(re.findall("[A-Za-z]+", said)), (said, phonemes)
        assert re.search("[1-5]{2,3}", phonemes), (said, phonemes)  # Mandarin tone contours
    wav = "/tmp/zh.wav"
    say = ["/opt/alt-kiosk/venv/bin/alt-kiosk", "say", "--lang", "zh", "--content", "/opt/alt-kiosk/src/content"]
    say += ["--voice", "pyttsx3", "--to", wav]
    printed = run(["chroot", str(stack_root), *say, "您好。请问您经常喝酒吗？"], env=env).stdout
    assert "voice pyttsx3:cmn" in printed, printed
    from kiosk.speech.audio import read_wav

    samples, rate = read_wav(stack_root / wav.lstrip("/"))
    assert 1.0 < len(samples) / rate < 6.0 and abs(samples).max() > 1000
