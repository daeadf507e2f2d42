"""Speech models on disk: `alt-kiosk model list | install SOURCE | verify [NAME] | remove NAME`.

Two kinds: Vosk recognition models (folders with am/ and conf/) and Piper voices (a folder with one
NAME.onnx and its NAME.onnx.json; kiosk.speaking.voices).

Known models are listed in models/manifest.yaml with language, URL, byte size and sha256. `install`
takes a manifest name, a URL, a local zip or a folder; it verifies size and checksum, refuses
truncated archives and entries that escape the target, unpacks into a temporary folder beside the
target and renames it into place, so a half-installed model never exists. The kiosk itself never
downloads anything.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from kiosk.speech.fetch import ModelError as ModelError
from kiosk.speech.fetch import download, progress_bar, sha256_of, unzip

MARKER = ".alt-kiosk-model.json"
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class KnownModel:
    name: str
    language: str
    url: str
    size: int
    sha256: str


@dataclass(frozen=True)
class InstalledModel:
    name: str
    language: str
    path: Path
    sha256: str | None
    kind: str = "vosk"
    """"vosk" (speech in) or "piper" (a voice, speech out)."""


def manifest(models_dir: Path) -> dict[str, KnownModel]:
    path = models_dir / "manifest.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        m["name"]: KnownModel(m["name"], m["language"], m["url"], int(m["size"]), m["sha256"])
        for m in data.get("models", [])
    }


def installed_models(models_dir: Path) -> list[InstalledModel]:
    found = []
    if models_dir.is_dir():
        for marker in sorted(models_dir.glob(f"*/{MARKER}")):
            try:
                info = json.loads(marker.read_text())
                found.append(
                    InstalledModel(
                        info["name"], info["language"], marker.parent, info.get("sha256"), info.get("kind", "vosk")
                    )
                )
            except (OSError, ValueError, KeyError):
                continue
    return found


def install(
    source: str,
    models_dir: Path,
    language: str | None = None,
    report: Callable[[int, int], None] = progress_bar,
    sha256: str | None = None,
) -> InstalledModel:
    """Install a model from a manifest name, a URL, a zip or a folder; atomically, verified.

    `sha256`: the checksum the admin expects of a zip or download that the manifest does not list.
    """
    known = manifest(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=models_dir, prefix=".installing-"))
    try:
        archive, entry = _archive(source, known, work, report)
        if archive is None:
            if sha256:
                raise ModelError(f"{source}: --sha256 checks a zip or a download, not a folder")
            checksum, unpacked = None, work / "unpacked"
            shutil.copytree(source, unpacked)
        else:
            checksum = _checked(archive, entry, source, sha256)
            unpacked = unzip(archive, work / "unpacked")
        kind = _kind(unpacked, source)
        name = entry.name if entry else Path(source.rstrip("/")).name.removesuffix(".zip")
        lang = (
            language or (entry.language if entry else None) or (_voice_language(unpacked) if kind == "piper" else None)
        )
        if lang is None:
            raise ModelError(f"{source}: say which language it is for (--lang)")
        if not _LANGUAGE.fullmatch(lang):
            raise ModelError(f"{source}: {lang!r} is not a language code (such as en, zh or pt-BR)")
        _loads(unpacked, kind, source)
        (unpacked / MARKER).write_text(json.dumps({"name": name, "language": lang, "sha256": checksum, "kind": kind}))
        final = models_dir / name
        if final.exists():
            raise ModelError(f"{name} is already installed (alt-kiosk model remove {name} first)")
        unpacked.rename(final)  # the model appears whole or not at all
        return InstalledModel(name, lang, final, checksum, kind)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _archive(
    source: str, known: dict[str, KnownModel], work: Path, report: Callable[[int, int], None]
) -> tuple[Path | None, KnownModel | None]:
    """The zip to install (downloaded into `work` if need be; None: `source` is a folder) and the manifest's
    entry for it, if it has one."""
    entry = known.get(source)
    if entry is not None or source.startswith(("http://", "https://")):
        url = entry.url if entry else source
        entry = entry or next((m for m in known.values() if m.url == url), None)
        download(url, work / "download.zip", entry.size if entry else 0, report)
        return work / "download.zip", entry
    if Path(source).is_file():
        return Path(source), next((m for m in known.values() if Path(source).name == m.name + ".zip"), None)
    if Path(source).is_dir():
        return None, None
    raise ModelError(f"{source}: not a manifest name, URL, zip or folder")


def _checked(archive: Path, entry: KnownModel | None, source: str, sha256: str | None) -> str:
    """The zip's sha256, once its size and checksum are those the manifest (or the admin) expects."""
    if entry is not None:
        size = archive.stat().st_size
        if size != entry.size:
            raise ModelError(f"{source}: {size} bytes, expected {entry.size} (truncated or wrong file)")
    checksum = sha256_of(archive)
    if entry is not None and checksum != entry.sha256:
        raise ModelError(f"{source}: sha256 {checksum} does not match the manifest's {entry.sha256}")
    if sha256 and checksum != sha256.lower():
        raise ModelError(f"{source}: sha256 {checksum} does not match the expected {sha256.lower()}")
    return checksum


def _kind(folder: Path, source: str) -> str:
    """ "vosk" or "piper", by what the folder holds (ModelError: neither, or a voice without its config)."""
    if (folder / "am").is_dir() or (folder / "conf").is_dir():
        return "vosk"
    voices = sorted(folder.glob("*.onnx"))
    if len(voices) == 1:
        config = voices[0].with_name(voices[0].name + ".json")
        try:
            json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ModelError(
                f"{source}: Piper voice {voices[0].name} without a readable {config.name} ({err})"
            ) from err
        return "piper"
    raise ModelError(
        f"{source}: neither a Vosk model (am/ and conf/ folders) nor a Piper voice (one NAME.onnx with NAME.onnx.json)"
    )


VOSK_PROBE = "import sys, vosk; vosk.SetLogLevel(-1); vosk.Model(sys.argv[1])"
LOAD_SECONDS = 300.0


def _loads(folder: Path, kind: str, source: str) -> None:
    """What is installed must load in its engine: a folder of the right shape can still hold anything."""
    if kind == "piper":
        _voice_loads(folder, source)
        return
    try:  # in a child process: Kaldi may abort the process on a damaged model
        probe = subprocess.run(
            [sys.executable, "-c", VOSK_PROBE, str(folder)], capture_output=True, text=True, timeout=LOAD_SECONDS
        )
    except subprocess.TimeoutExpired:
        raise ModelError(f"{source}: the model did not load within {LOAD_SECONDS:.0f} s") from None
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or [f"exit status {probe.returncode}"])[-1][:200]
        raise ModelError(f"{source}: not a Vosk model that loads ({why})")


def _voice_loads(folder: Path, source: str) -> None:
    """A Piper voice must be a model onnxruntime can load (a file named .onnx may be anything)."""
    try:
        import onnxruntime
    except ImportError:
        raise ModelError(
            f"{source}: a Piper voice needs the Piper engine to check it (pip install '.[piper]')"
        ) from None
    voice = next(folder.glob("*.onnx"))
    try:
        onnxruntime.InferenceSession(str(voice), providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own exception types for a file that is not a model
        first = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        raise ModelError(f"{source}: {voice.name} is not a voice onnxruntime can load ({first})") from None


def voice_language(config: Path) -> str | None:
    """The language a Piper voice speaks ("en"), from its .onnx.json; None if it does not say."""
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        family = data.get("language", {}).get("family") or data.get("espeak", {}).get("voice", "")
        return str(family).split("-")[0].split("_")[0].lower() or None
    except (OSError, ValueError, AttributeError):
        return None


def _voice_language(folder: Path) -> str | None:
    return voice_language(next(folder.glob("*.onnx.json")))


def verify(models_dir: Path, name: str | None = None) -> list[str]:
    """Problems with installed models (empty when all are whole)."""
    problems = []
    for model in installed_models(models_dir):
        if name and model.name != name:
            continue
        try:
            _loads(model.path, _kind(model.path, model.name), model.name)
        except ModelError as err:
            problems.append(str(err))
    if name and not any(m.name == name for m in installed_models(models_dir)):
        problems.append(f"{name}: not installed")
    return problems


def remove(models_dir: Path, name: str) -> None:
    path = models_dir / name
    if not (path / MARKER).is_file():
        raise ModelError(f"{name}: not an installed model")
    trash = models_dir / f".removing-{name}"
    path.rename(trash)
    shutil.rmtree(trash)
