"""Open Badges 3.0: each certificate as an OpenBadgeCredential (a W3C Verifiable Credential),
secured as a VC-JWT signed with the issuer's Ed25519 key (JOSE ``alg: EdDSA``).

Following OB 3.0 §8.2 (VC-JWT), the JWT payload is the credential itself with the registered claims
mapped from it: ``iss`` = issuer.id, ``jti`` = id, ``nbf`` = validFrom, ``exp`` = validUntil. The
header names the key (``kid``, its RFC 7638 thumbprint); the app publishes the issuer profile at
/badges/issuer and the public key set at /badges/jwks.json.

The private key comes from KAMTRAIN_BADGE_KEY_FILE, or is generated once into the instance folder
(atomically, like the session secret: several workers may start at once). Several app servers must
share one key file.
"""

import base64
import contextlib
import hashlib
import json
import os
import secrets
from datetime import UTC, datetime, time
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from kamtrain.certification.common import local_today, public_base_url, verify_url
from kamtrain.certification.pdf import load_template
from kamtrain.core.errors import DomainError

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
KEY_FILE_NAME = "badge_signing_key.pem"


class BadgeRefused(DomainError):
    """A badge that does not verify; ``code``: malformed | unknown_key | bad_signature | not_ours."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ---------------------------------------------------------------------------- the key

def _generate_key_file(path):
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    try:
        with contextlib.suppress(FileExistsError):  # another worker's key won: use that one
            os.link(tmp, path)
    finally:
        tmp.unlink()


def key_path():
    configured = current_app.config.get("BADGE_KEY_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / KEY_FILE_NAME


def signing_key():
    path = key_path()
    if not path.exists():
        if current_app.config.get("BADGE_KEY_FILE"):
            raise RuntimeError(f"badge key file {path} does not exist")
        _generate_key_file(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} is not an Ed25519 private key")
    return key


def public_jwk(public_key):
    x = b64url(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    # RFC 7638 thumbprint: the required members in lexicographic order, no blanks
    thumbprint = b64url(hashlib.sha256(json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x},
                                                  separators=(",", ":"), sort_keys=True).encode()).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": thumbprint, "alg": "EdDSA", "use": "sig"}


def jwks():
    return {"keys": [public_jwk(signing_key().public_key())]}


# ---------------------------------------------------------------------------- the documents

def issuer_profile(base=None):
    base = base or public_base_url()
    issuer = load_template(current_app.config.get("CERT_TEMPLATE"))["issuer"]
    return {
        "@context": CONTEXT,
        "id": f"{base}/badges/issuer",
        "type": ["Profile"],
        "name": f"{issuer['zh']} {issuer['en']}",
        "url": base + "/",
        "description": "Issues the key-account manager certificates of kamtrain; verify any certificate at "
                       f"{base}/verify/",
    }


def achievement(syllabus, base=None):
    base = base or public_base_url()
    modules = len(syllabus.module_links)
    scenarios = len(syllabus.required_scenarios or ())
    return {
        "id": f"{base}/badges/achievements/{syllabus.code}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": f"{syllabus.title_zh} / {syllabus.title_en}",
        "description": f"{syllabus.audience_zh} / {syllabus.audience_en}",
        "criteria": {"narrative": (
            f"持有下一级有效证书（如有要求），完成全部 {modules} 个必修模块，通过认证考试"
            f"（合格线 {syllabus.exam.get('pass_mark')}%）和 {scenarios} 个必考情景演练。 / "
            f"Holds the level below with a valid certificate (where required), completed all {modules} required "
            f"modules, passed the certification exam (pass mark {syllabus.exam.get('pass_mark')}%) and "
            f"{scenarios} required role-play scenarios.")},
        "tag": [syllabus.track, f"level-{syllabus.level}"],
    }


def _date_time(day):
    return datetime.combine(day, time(0, 0), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(user, salt):
    identity = (user.email or user.username).strip().lower()
    return "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()


def credential(cert, base=None):
    """The OpenBadgeCredential of a certificate (unsigned JSON-LD)."""
    base = base or public_base_url()
    salt = hashlib.sha256(f"{cert.serial}:{cert.check_code}".encode()).hexdigest()[:16]
    user = cert.user
    doc = {
        "@context": CONTEXT,
        "id": verify_url(cert, base),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(base),
        "name": f"{cert.title_zh} / {cert.title_en} — {cert.serial}",
        "validFrom": _date_time(cert.issued_on),
        "validUntil": _date_time(cert.expires_on.fromordinal(cert.expires_on.toordinal() + 1)),
        "awardedDate": cert.created_at.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                            "identityHash": identity_hash(user, salt), "salt": salt}],
            "name": cert.holder_name,
            "achievement": achievement(cert.syllabus, base),
        },
        "evidence": [{"id": verify_url(cert, base), "type": ["Evidence"], "name": f"kamtrain {cert.serial}",
                      "narrative": f"Certificate {cert.serial}, verifiable at {verify_url(cert, base)}"}],
    }
    return doc


def sign(payload_doc, key=None):
    """The VC-JWT (compact JWS) of a credential."""
    key = key or signing_key()
    jwk = public_jwk(key.public_key())
    header = {"alg": "EdDSA", "typ": "JWT", "kid": jwk["kid"]}
    claims = dict(payload_doc)
    claims["iss"] = payload_doc["issuer"]["id"]
    claims["jti"] = payload_doc["id"]
    claims["nbf"] = int(datetime.strptime(payload_doc["validFrom"], "%Y-%m-%dT%H:%M:%SZ")
                        .replace(tzinfo=UTC).timestamp())
    if payload_doc.get("validUntil"):
        claims["exp"] = int(datetime.strptime(payload_doc["validUntil"], "%Y-%m-%dT%H:%M:%SZ")
                            .replace(tzinfo=UTC).timestamp())
    signing_input = b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + b64url(
        json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode())
    return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))


def signed_credential(cert, base=None):
    return sign(credential(cert, base))


def verify(token, keys=None):
    """The credential inside a VC-JWT whose signature is good by one of ``keys`` (public JWKs; default
    this issuer's), else BadgeRefused. Expiry is not a signature matter: the caller reads validUntil."""
    if not isinstance(token, str):
        raise BadgeRefused("malformed")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise BadgeRefused("malformed")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError) as e:
        raise BadgeRefused("malformed") from e
    if not isinstance(header, dict) or not isinstance(claims, dict) or header.get("alg") != "EdDSA":
        raise BadgeRefused("malformed")
    keys = keys if keys is not None else jwks()["keys"]
    key = next((k for k in keys if k.get("kid") == header.get("kid")), None)
    if key is None:
        raise BadgeRefused("unknown_key")
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"]))
    try:
        public.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature as e:
        raise BadgeRefused("bad_signature") from e
    if "OpenBadgeCredential" not in (claims.get("type") or []):
        raise BadgeRefused("not_ours")
    return claims


def today_valid(claims):
    """True when the credential's validity covers today."""
    until = claims.get("validUntil")
    if not until:
        return True
    return local_today() < datetime.strptime(until, "%Y-%m-%dT%H:%M:%SZ").date()
