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

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

MARKER = ".alt-kiosk-model.json"
MAX_UNPACKED = 4 * 1024**3
MAX_RATIO = 50
"""No real model or voice compresses 50 to 1; a zip that claims to is a zip bomb."""
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


class ModelError(Exception):
    """A model could not be installed, verified or removed; the message says why."""


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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done / 1e6:6.1f} / {total / 1e6:.1f} MB")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def download(url: str, target: Path, size: int, report: Callable[[int, int], None]) -> None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response, open(target, "wb") as out:
            done = 0
            while chunk := response.read(1 << 16):
                out.write(chunk)
                done += len(chunk)
                report(done, size)
                if done > MAX_UNPACKED:
                    raise ModelError(f"{url}: more than {MAX_UNPACKED >> 30} GiB; refused")
    except (urllib.error.URLError, TimeoutError, ValueError) as err:
        raise ModelError(f"{url}: cannot download it ({getattr(err, 'reason', err)})") from None
    except OSError as err:
        raise ModelError(f"{url}: cannot download it ({err.strerror or err})") from None


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
    entry = known.get(source)
    models_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=models_dir, prefix=".installing-"))
    try:
        if entry is not None or source.startswith(("http://", "https://")):
            url = entry.url if entry else source
            entry = entry or next((m for m in known.values() if m.url == url), None)
            archive = work / "download.zip"
            download(url, archive, entry.size if entry else 0, report)
        elif Path(source).is_file():
            archive = Path(source)
            entry = entry or next((m for m in known.values() if Path(source).name == m.name + ".zip"), None)
        elif Path(source).is_dir():
            if sha256:
                raise ModelError(f"{source}: --sha256 checks a zip or a download, not a folder")
            archive = None
        else:
            raise ModelError(f"{source}: not a manifest name, URL, zip or folder")
        checksum = None
        if archive is not None:
            if entry is not None:
                size = archive.stat().st_size
                if size != entry.size:
                    raise ModelError(f"{source}: {size} bytes, expected {entry.size} (truncated or wrong file)")
            checksum = sha256_of(archive)
            if entry is not None and checksum != entry.sha256:
                raise ModelError(f"{source}: sha256 {checksum} does not match the manifest's {entry.sha256}")
            if sha256 and checksum != sha256.lower():
                raise ModelError(f"{source}: sha256 {checksum} does not match the expected {sha256.lower()}")
            unpacked = _unzip(archive, work / "unpacked")
        else:
            unpacked = work / "unpacked"
            shutil.copytree(source, unpacked)
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


def _unzip(archive: Path, target: Path) -> Path:
    try:
        with zipfile.ZipFile(archive) as z:
            _fits(archive, z, target.parent)
            for info in z.infolist():
                if not (target / info.filename).resolve().is_relative_to(target.resolve()):
                    raise ModelError(f"{archive}: entry {info.filename!r} escapes the model folder; refused")
            bad = z.testzip()
            if bad is not None:
                raise ModelError(f"{archive}: entry {bad!r} is damaged")
            z.extractall(target)
    except (zipfile.BadZipFile, EOFError) as err:
        raise ModelError(f"{archive}: not a complete zip file ({err})") from err
    except OSError as err:
        raise ModelError(f"{archive}: cannot unpack it ({err.strerror or err}); nothing installed") from None
    entries = list(target.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else target


def _fits(archive: Path, z: zipfile.ZipFile, where: Path) -> None:
    """Refuse a zip whose contents would not fit, or that unpacks far bigger than any real model."""
    total = sum(info.file_size for info in z.infolist())
    packed = archive.stat().st_size
    if total > MAX_UNPACKED or total > MAX_RATIO * max(packed, 1 << 20):
        raise ModelError(
            f"{archive}: unpacks to {total / 1e6:.0f} MB from {packed / 1e6:.1f} MB; refused (a zip bomb?)"
        )
    free = shutil.disk_usage(where).free
    if total > free - (64 << 20):
        raise ModelError(
            f"{archive}: needs {total / 1e6:.0f} MB, {free / 1e6:.0f} MB free in {where}; nothing installed"
        )


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
