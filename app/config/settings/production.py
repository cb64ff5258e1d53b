"""Production settings: refuse to start without a real SECRET_KEY; every check --deploy item on."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import content_security_policy, env

SECRET_KEY = env.str("SECRET_KEY", default="")
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
    or "development" in SECRET_KEY
):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random value of 50+ characters, e.g. python -c "
        "'from django.core.management.utils import get_random_secret_key as k; print(k())'"
    )
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": SECRET_KEY}  # noqa: F405

DEBUG = False
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
# Behind a TLS-terminating load balancer (the ALB) that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Uploads: S3 when a bucket is named (django-storages), the local filesystem otherwise -------
# The bucket stays private; media URLs are pre-signed. Credentials come from boto3's chain (the
# ECS task role on AWS); AWS_S3_ENDPOINT_URL points at any S3-compatible store instead.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")


def s3_media_origins(bucket: str, endpoint_url: str | None, region_name: str | None) -> list[str]:
    """Where browsers fetch uploads from: the pre-signed URLs django-storages makes point at the
    endpoint (path style), or at the bucket's own host on AWS, which S3 may redirect to the
    bucket's regional host."""
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    hosts = [f"{bucket}.s3.amazonaws.com"]
    if region_name:
        hosts.append(f"{bucket}.s3.{region_name}.amazonaws.com")
    return [f"https://{host}" for host in hosts]


if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": AWS_STORAGE_BUCKET_NAME,
                "endpoint_url": AWS_S3_ENDPOINT_URL,
                "region_name": AWS_S3_REGION_NAME,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    # Pages show the images from there: the Content-Security-Policy's img-src must allow it.
    CONTENT_SECURITY_POLICY = content_security_policy(
        media_origins=s3_media_origins(
            AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME
        )
    )
