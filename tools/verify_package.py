#!/usr/bin/env python3
"""Check an IP Portal evidence package offline, without trusting the portal.

  python3 verify_package.py package.zip [--public-key BASE64]

Checks, and names every file that fails:
  1. manifest.sig.json: an Ed25519 signature over "ipportal-evidence-package-v1:<SHA-256 of
     manifest.json>" by the portal's key (pin it with --public-key from a source you trust; without
     it the key inside the package is used, which proves only that the package is self-consistent);
  2. every file listed in manifest.json is in the ZIP with that SHA-256 and size, and its bytes as
     stored (compressed) with that stored_sha256; each member's header matches the ZIP's directory
     and members sit back to back; the ZIP holds nothing the manifest does not list. A changed
     byte in a file's data or header names that file;
  3. the audit entries (audit/*.jsonl): each entry's hash recomputed from its fields, and each link
     (prev_hash) to the entry before it where both are in the package; none beyond the chain head
     the manifest names.
Exit status 0 when everything holds, 1 otherwise. Needs Python 3.10+ and `cryptography`.
"""

import argparse
import base64
import hashlib
import json
import struct
import sys
import zipfile

CONTEXT = "ipportal-evidence-package-v1"
SIGNATURE_FILES = {"manifest.json", "manifest.sig.json"}


def entry_hash(e: dict) -> str:
    """audit.services.entry_digest_v2 (hash_version 2) or entry_digest (version 1)."""
    if e.get("hash_version") == 2:
        payload = [2, int(e["seq"]), e["prev_hash"], e["created_at"], e["actor_id"], e["actor_repr"], e["action"],
                   e["target_type"], int(e["target_id"]), e["target_repr"], e["data"], e["mac"]]
    else:
        payload = [e["prev_hash"], e["created_at"], e["actor_repr"], e["action"], e["target_type"],
                   int(e["target_id"]), e["target_repr"], e["data"]]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def read_member(zf: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with zf.open(name) as fh:
        while block := fh.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader: 30 bytes


def check_layout(path: str, zf: zipfile.ZipFile, problems: list[str]) -> None:
    """Each member's local header against its central-directory entry (name, flags, method, time,
    CRC, sizes), and the members back to back: a changed header byte, or bytes slipped in between,
    name the member. (The content itself is checked by its SHA-256 in check_files.)"""
    infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
    with open(path, "rb") as fh:
        for i, info in enumerate(infos):
            fh.seek(info.header_offset)
            raw = fh.read(LOCAL_HEADER.size)
            if len(raw) < LOCAL_HEADER.size:
                problems.append(f"{info.filename}: its header is cut short")
                continue
            (sig, _version, _system, flags, method, time, date, crc, csize, usize, name_len,
             extra_len) = LOCAL_HEADER.unpack(raw)
            name = fh.read(name_len)
            fields = (sig, flags, method, time, date, name)
            expected = (b"PK\x03\x04", info.flag_bits, info.compress_type,
                        (info.date_time[3] << 11) | (info.date_time[4] << 5) | (info.date_time[5] // 2),
                        ((info.date_time[0] - 1980) << 9) | (info.date_time[1] << 5) | info.date_time[2],
                        info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437"))
            sizes_ok = (crc == info.CRC and (csize, usize) in ((info.compress_size, info.file_size),
                                                                 (0xFFFFFFFF, 0xFFFFFFFF)))
            if fields != expected or not (sizes_ok or flags & 0x08):
                problems.append(f"{info.filename}: its header in the ZIP was changed")
                continue
            end = info.header_offset + LOCAL_HEADER.size + name_len + extra_len + info.compress_size
            following = infos[i + 1].header_offset if i + 1 < len(infos) else zf.start_dir
            if end != following and not flags & 0x08:
                problems.append(f"{info.filename}: bytes were added or removed after it in the ZIP")


def stored_sha256(path: str, info: zipfile.ZipInfo) -> str:
    """SHA-256 of a member's bytes as stored (compressed), as the manifest's stored_sha256."""
    with open(path, "rb") as fh:
        fh.seek(info.header_offset + 26)
        name_len, extra_len = struct.unpack("<2H", fh.read(4))
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        digest, left = hashlib.sha256(), info.compress_size
        while left > 0:
            block = fh.read(min(left, 1024 * 1024))
            if not block:
                break
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def check_signature(zf, problems: list[str], public_key: str | None) -> dict | None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        manifest_bytes = zf.read("manifest.json")
        manifest = json.loads(manifest_bytes)
    except Exception as exc:  # noqa: BLE001 (any damage: the file is named)
        problems.append(f"manifest.json: cannot be read ({exc}); the package was changed")
        return None
    try:
        sig = json.loads(zf.read("manifest.sig.json"))
    except Exception as exc:  # noqa: BLE001
        problems.append(f"manifest.sig.json: cannot be read ({exc}); the package was changed")
        return manifest
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    if sig.get("manifest_sha256") != digest:
        problems.append("manifest.json: its SHA-256 is not the one signed in manifest.sig.json (changed)")
    key_b64 = public_key or sig.get("public_key", "")
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_b64))
        key.verify(base64.b64decode(sig.get("signature", "")), f"{CONTEXT}:{digest}".encode())
    except (InvalidSignature, ValueError):
        problems.append("manifest.sig.json: the signature does not verify over manifest.json "
                        f"with {'the pinned key' if public_key else 'the key in the package'}")
    return manifest


def check_files(path: str, zf, manifest: dict, problems: list[str]) -> int:
    listed = {f["path"]: f for f in manifest.get("files", [])}
    checked = 0
    for name in zf.namelist():
        if name in SIGNATURE_FILES:
            continue
        if name not in listed:
            problems.append(f"{name}: in the ZIP but not in the manifest (added or renamed)")
            continue
        try:
            sha, size = read_member(zf, name)
        except Exception as exc:  # noqa: BLE001 (a CRC or deflate error: a changed byte)
            problems.append(f"{name}: cannot be read ({exc}); its bytes were changed")
            continue
        if sha != listed[name]["sha256"] or size != listed[name]["size"]:
            problems.append(f"{name}: SHA-256 {sha} is not the manifest's {listed[name]['sha256']} (changed)")
        elif stored_sha256(path, zf.getinfo(name)) != listed[name].get("stored_sha256"):
            problems.append(f"{name}: its compressed bytes in the ZIP were changed (the content still reads the "
                            "same, but this is not the ZIP as issued)")
        else:
            checked += 1
    for name in sorted(set(listed) - set(zf.namelist())):
        problems.append(f"{name}: listed in the manifest but missing from the ZIP")
    return checked


def check_audit(zf, manifest: dict, problems: list[str]) -> int:
    head = manifest.get("audit_chain_head", {}).get("count", 0)
    links: dict[int, tuple[str, str, str]] = {}  # seq -> (prev_hash, hash, file)
    checked = 0
    for name in sorted(n for n in zf.namelist() if n.startswith("audit/") and n.endswith(".jsonl")):
        try:
            lines = zf.read(name).decode().splitlines()
        except Exception:  # noqa: BLE001 (already named by check_files)
            continue
        for number, line in enumerate(lines, 1):
            try:
                e = json.loads(line)
                ok = entry_hash(e) == e["hash"]
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(f"{name} line {number}: not an audit entry ({exc})")
                continue
            if not ok:
                problems.append(f"{name} line {number}: entry seq {e.get('seq')} does not match its hash (edited)")
            elif e["seq"] > head:
                problems.append(f"{name} line {number}: entry seq {e['seq']} is beyond the chain head ({head})")
            else:
                checked += 1
            links[e["seq"]] = (e["prev_hash"], e["hash"], name)
    for seq, (prev_hash, _, name) in links.items():
        before = links.get(seq - 1)
        if before is not None and before[1] != prev_hash:
            problems.append(f"{name}: entry seq {seq} does not follow entry seq {seq - 1} (in {before[2]})")
    return checked


def verify(path: str, public_key: str | None = None) -> tuple[list[str], dict]:
    """(problems, counts). No problem: the package is as the portal issued it."""
    problems: list[str] = []
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{path}: not a readable ZIP ({exc}); its directory was changed"], {}
    with zf:
        check_layout(path, zf, problems)
        manifest = check_signature(zf, problems, public_key)
        if manifest is None:
            return problems, {}
        files = check_files(path, zf, manifest, problems)
        entries = check_audit(zf, manifest, problems)
    return problems, {"files": files, "audit_entries": entries, "package": manifest.get("package")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("zip")
    parser.add_argument("--public-key", help="The portal's Ed25519 public key, base64 (pin it)")
    args = parser.parse_args(argv)
    problems, counts = verify(args.zip, args.public_key)
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        print(f"Package NOT as issued: {len(problems)} problem(s).")
        return 1
    print(f"Package {counts['package']} as issued: signature valid, {counts['files']} files match their SHA-256, "
          f"{counts['audit_entries']} audit entries match their hashes and links.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
