"""Clinical sign-off: content goes live only when a named clinician has signed exactly the bytes patients read.

`alt-kiosk content sign DIR --key KEY --signer NAME` writes a manifest (`signed-content.txt`: the signer,
the time, and the SHA-256 of every file the kiosk reads) and signs it with the reviewer's OpenSSH key
(`ssh-keygen -Y sign`, namespace `alt-kiosk-content`) into `signed-content.txt.sig`. Where the
configuration names `content_signers` (an OpenSSH allowed_signers file), content is served only if
`ssh-keygen -Y verify` accepts that signature for that signer and every file matches the manifest: a
changed byte, an added or missing file, an unknown or expired signer or no signature is refused like
any other invalid content. No cryptography of our own: OpenSSH does all of it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.core import snapshot
from kiosk.core.loader import load_snapshot
from kiosk.core.problems import InvalidFiles, Problem

NAMESPACE = "alt-kiosk-content"
MANIFEST, SIGNATURE = snapshot.SIGNATURE_FILES
_SIGNER = re.compile(r"^signer: (.+)$", re.MULTILINE)
_SIGNED = re.compile(r"^signed: (.+)$", re.MULTILINE)
_IDENTITY = re.compile(r"[^\s,\"']{1,200}")


@dataclass(frozen=True)
class Signature:
    signer: str
    signed: str
    """When, as the signer's machine wrote it (UTC, ISO 8601)."""


def file_lines(snap: snapshot.Snapshot) -> list[str]:
    """`sha256 HEX  PATH` for every content file read, sorted: what a manifest must list exactly."""
    return sorted(
        f"sha256 {hashlib.sha256(data).hexdigest()}  {f'{folder}/' if folder else ''}{name}"
        for folder, files in snap.packs.items()
        for name, data in files.items()
    )


def manifest(snap: snapshot.Snapshot, signer: str, when: str) -> str:
    head = [
        "# alt-kiosk content, reviewed and signed for patients (alt-kiosk content sign).",
        f"signer: {signer}",
        f"signed: {when}",
    ]
    return "\n".join([*head, *file_lines(snap)]) + "\n"


def sign(folder: Path, key: Path, signer: str) -> Signature:
    """Write the manifest of `folder`'s content and its signature with the OpenSSH private `key`.

    Raises:
        InvalidFiles: the content does not check, or the key cannot sign.
    """
    if not _IDENTITY.fullmatch(signer):
        raise InvalidFiles([Problem(str(folder), 1, 1, f"signer {signer!r}: one word, such as an email address")])
    snap = snapshot.read(folder)
    load_snapshot(snap)  # only content that checks can be signed
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    text = manifest(snap, signer, when)
    with tempfile.TemporaryDirectory() as work:
        staged = Path(work) / MANIFEST
        staged.write_text(text, encoding="utf-8")
        done = _ssh_keygen(["-Y", "sign", "-f", str(key), "-n", NAMESPACE, str(staged)])
        if done.returncode != 0:
            raise InvalidFiles([Problem(str(key), 1, 1, f"ssh-keygen could not sign: {_last_line(done)}")])
        shutil.copyfile(staged, folder / MANIFEST)
        shutil.copyfile(Path(work) / SIGNATURE, folder / SIGNATURE)
    return Signature(signer, when)


def verify(snap: snapshot.Snapshot, signers: Path) -> Signature:
    """Who signed exactly this content, checked against the allowed_signers file `signers`.

    Raises:
        InvalidFiles: not signed, signed by no allowed signer, or not what was signed.
    """
    where = snap.shown("", MANIFEST)
    text, sig = (snap.signature.get(name) for name in (MANIFEST, SIGNATURE))
    if text is None or sig is None:
        raise _refused(where, "content is not signed: a clinical reviewer must sign it (alt-kiosk content sign)")
    manifest_text = text.decode("utf-8", "replace")
    signer = _SIGNER.search(manifest_text)
    if signer is None or not _IDENTITY.fullmatch(signer.group(1)):
        raise _refused(where, "the manifest names no signer")
    with tempfile.TemporaryDirectory() as work:
        sig_path = Path(work) / SIGNATURE
        sig_path.write_bytes(sig)
        args = ["-Y", "verify", "-f", str(signers), "-I", signer.group(1), "-n", NAMESPACE, "-s", str(sig_path)]
        done = _ssh_keygen(args, stdin=text)
    if done.returncode != 0:
        raise _refused(where, f"the signature of {signer.group(1)!r} is not valid: {_last_line(done)}")
    listed = [line for line in manifest_text.splitlines() if line.startswith("sha256 ")]
    have = file_lines(snap)
    if listed != have:
        changed = sorted(set(listed) ^ set(have))[0].split("  ", 1)[-1]
        raise _refused(where, f"{changed} is not what {signer.group(1)} signed: have it reviewed and signed again")
    signed = _SIGNED.search(manifest_text)
    return Signature(signer.group(1), signed.group(1) if signed else "unknown")


def _refused(where: str, message: str) -> InvalidFiles:
    return InvalidFiles([Problem(where, 1, 1, f"signature: {message}")])


def _ssh_keygen(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["ssh-keygen", *args], input=stdin, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        return subprocess.CompletedProcess(args, 1, b"", f"cannot run ssh-keygen: {err}".encode())


def _last_line(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"
