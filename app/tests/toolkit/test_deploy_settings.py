"""What the deployments (infra/, docs/deploy.md) rely on in the production settings: uploads in
S3 when a bucket is named, on the local filesystem otherwise, and the database password injected
on its own. S3 is moto's server mode, a real HTTP S3 endpoint, reached by boto3 as AWS would be.
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.live import free_port
from tests.settings_probe import GOOD_KEY, manage

BUCKET = "ublog-media-test"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "moto-access-key",
    "AWS_SECRET_ACCESS_KEY": "moto-secret-key",
    "AWS_S3_REGION_NAME": "us-east-1",
}
# Publishes a post with an image through the domain service, as the web process does; without
# REDIS_URL the thumbnail task runs in-process, as the worker would run it.
PUBLISH_WITH_IMAGE = """
from io import BytesIO
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from domain.accounts.models import User
from domain.posts.models import Post
from domain.posts.services import post_create

buffer = BytesIO()
Image.new("RGB", (640, 480), "teal").save(buffer, format="PNG")
author = User.objects.create_user(email="s3@example.com", password="x" * 20)
post = post_create(
    author=author,
    body="to S3",
    image=SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png"),
)
post = Post.objects.get(pk=post.pk)
print(type(storages["default"]).__name__)
print(post.image.name)
print(post.thumbnail.name)
print(post.image.url)
"""


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in its own process, on a free local port."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "moto_server did not start"
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=CREDENTIALS["AWS_S3_REGION_NAME"],
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for version in client.list_object_versions(Bucket=BUCKET).get("Versions", []):
        client.delete_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """A SQLite database migrated under the production settings, once for the module: each
    test works on a copy (migrating takes seconds)."""
    path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    migrated = manage(
        "migrate", "--noinput", SECRET_KEY=GOOD_KEY, DATABASE_URL=f"sqlite:///{path}"
    )
    assert migrated.returncode == 0, migrated.stderr
    return path


def production(tmp_path, migrated_database, *args, **env):
    """manage.py under the production settings on a throwaway copy of the migrated database."""
    shutil.copy(migrated_database, tmp_path / "db.sqlite3")
    env = {
        "SECRET_KEY": GOOD_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        **env,
    }
    result = manage(*args, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_with_a_bucket_uploads_and_thumbnails_go_to_s3(
    tmp_path, migrated_database, s3, s3_endpoint
):
    storage, image, thumbnail, url = production(
        tmp_path,
        migrated_database,
        "shell",
        "--no-imports",
        "-c",
        PUBLISH_WITH_IMAGE,
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        **CREDENTIALS,
    )
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}

    assert storage == "S3Storage"
    assert {image, thumbnail} == keys
    assert s3.get_object(Bucket=BUCKET, Key=image)["Body"].read().startswith(b"\x89PNG")
    assert s3.get_object(Bucket=BUCKET, Key=thumbnail)["Body"].read().startswith(b"\xff\xd8")
    # The bucket is private: links to uploads are pre-signed and expire.
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/{image}?")
    assert "Signature" in url
    assert not (tmp_path / "media").exists()


def test_without_a_bucket_uploads_stay_on_the_local_filesystem(tmp_path, migrated_database):
    storage, image, thumbnail, url = production(
        tmp_path, migrated_database, "shell", "--no-imports", "-c", PUBLISH_WITH_IMAGE
    )

    assert storage == "FileSystemStorage"
    assert (tmp_path / "media" / image).is_file()
    assert (tmp_path / "media" / thumbnail).is_file()
    assert url == f"/media/{image}"


# The origin of an upload's URL as django-storages makes it, and the policy's img-src.
MEDIA_POLICY = """
from urllib.parse import urlsplit
from django.conf import settings
from django.core.files.storage import storages
url = urlsplit(storages["default"].url("posts/photo.png"))
print(f"{url.scheme}://{url.netloc}")
print(",".join(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]))
"""


@pytest.mark.parametrize(
    "place",
    [
        {},
        {"AWS_S3_REGION_NAME": "eu-west-3"},
        {"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000/"},
    ],
    ids=["aws", "aws-region", "endpoint"],
)
def test_the_content_security_policy_lets_pages_show_images_from_the_bucket(place):
    """Pre-signing is local (no request to S3): the URL each configuration makes."""
    env = {**CREDENTIALS, "AWS_S3_REGION_NAME": "", **place}
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        MEDIA_POLICY,
        SECRET_KEY=GOOD_KEY,
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        **env,
    )
    assert result.returncode == 0, result.stderr
    origin, img_src = result.stdout.split()

    assert origin in img_src.split(",")
    assert img_src.split(",")[:2] == ["'self'", "data:"]
    if region := place.get("AWS_S3_REGION_NAME"):
        assert f"https://{BUCKET}.s3.{region}.amazonaws.com" in img_src.split(",")


def test_without_a_bucket_images_come_only_from_the_site():
    result = manage("shell", "--no-imports", "-c", MEDIA_POLICY, SECRET_KEY=GOOD_KEY)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["://", "'self',data:"]


def test_the_database_password_is_injected_on_its_own():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        " print(d['USER'], d['PASSWORD'], d['HOST'])",
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL="postgres://ublog@db.internal:5432/ublog",
        DATABASE_PASSWORD="from-the-secret-store",
    )

    assert result.stdout.split() == ["ublog", "from-the-secret-store", "db.internal"]
