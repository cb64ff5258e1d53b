"""What the deployments (infra/, docs/deploy.md) rely on in the production settings: uploads in
S3 when a bucket is named, on the local filesystem otherwise, and the database password injected
on its own. S3 is moto's server mode, a real HTTP S3 endpoint, reached by boto3 as AWS would be.

The production settings are loaded as a process started with each environment would load them
(tests/settings_probe.py), and their uploads settings put in the running Django: the storage
that serves is the one production configures. That the production settings as a whole start
Django is test_settings.py's `check --deploy`.
"""

import importlib.util
import threading
from io import BytesIO
from urllib.parse import urlsplit

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from config import urls
from domain.accounts.models import User
from domain.posts.models import Post
from domain.posts.services import post_create
from tests.settings_probe import GOOD_KEY, LOCAL, PRODUCTION, load_settings, production_settings

BUCKET = "ublog-media-test"
# Where boto3's credential chain finds them on a developer's machine or in CI.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "moto-access-key", "AWS_SECRET_ACCESS_KEY": "moto-secret-key"}
REGION = "us-east-1"


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on a free local port, in a thread of this process."""
    # Imported here: every xdist worker collects this file, one runs the S3 test.
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    # Its loop sees the request to stop within half a second: nothing waits for that.
    threading.Thread(target=server.stop, daemon=True).start()


@pytest.fixture
def s3(s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        **{key.lower(): value for key, value in CREDENTIALS.items()},
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for version in client.list_object_versions(Bucket=BUCKET).get("Versions", []):
        client.delete_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def production_uploads(settings, monkeypatch, tmp_path):
    """Configure the running Django's uploads (storages, media, django-storages' AWS_*) as the
    production settings do under an environment, ``production_uploads(**env)``; returns those
    settings. The media folder is ``tmp_path / "media"``."""

    def configure(**env):
        for key, value in CREDENTIALS.items():
            monkeypatch.setenv(key, value)
        production = production_settings(MEDIA_ROOT=str(tmp_path / "media"), **env)
        aws = [name for name in vars(production) if name.startswith("AWS_")]
        for name in ["STORAGES", "MEDIA_ROOT", "MEDIA_URL", *aws]:
            setattr(settings, name, getattr(production, name))
        return production

    return configure


@pytest.fixture
def publish_with_image(db, django_capture_on_commit_callbacks):
    """Publishes a post with an image through the domain service, as the web process does, and
    runs what it queued on commit: the thumbnail task, in-process (eager), as the worker would
    run it. Returns the storage's class name, the image's and thumbnail's names, the image URL."""

    def publish():
        buffer = BytesIO()
        Image.new("RGB", (640, 480), "teal").save(buffer, format="PNG")
        author = User.objects.create_user(email="s3@example.com", password="x" * 20)
        with django_capture_on_commit_callbacks(execute=True):
            post = post_create(
                author=author,
                body="to S3",
                image=SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png"),
            )
        post = Post.objects.get(pk=post.pk)
        storage = type(storages["default"]).__name__
        return storage, post.image.name, post.thumbnail.name, post.image.url

    return publish


def test_with_a_bucket_uploads_and_thumbnails_go_to_s3(
    production_uploads, publish_with_image, s3, s3_endpoint, tmp_path
):
    production_uploads(
        AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=s3_endpoint, AWS_S3_REGION_NAME=REGION
    )

    storage, image, thumbnail, url = publish_with_image()
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}

    assert storage == "S3Storage"
    assert {image, thumbnail} == keys
    assert s3.get_object(Bucket=BUCKET, Key=image)["Body"].read().startswith(b"\x89PNG")
    assert s3.get_object(Bucket=BUCKET, Key=thumbnail)["Body"].read().startswith(b"\xff\xd8")
    # The bucket is private: links to uploads are pre-signed and expire.
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/{image}?")
    assert "Signature" in url
    assert not (tmp_path / "media").exists()


def test_without_a_bucket_uploads_stay_on_the_local_filesystem(
    production_uploads, publish_with_image, tmp_path
):
    production_uploads()

    storage, image, thumbnail, url = publish_with_image()

    assert storage == "FileSystemStorage"
    assert (tmp_path / "media" / image).is_file()
    assert (tmp_path / "media" / thumbnail).is_file()
    assert url == f"/media/{image}"


def media_policy(production):
    """The origin of an upload's URL as django-storages makes it, and the policy's img-src."""
    url = urlsplit(storages["default"].url("posts/photo.png"))
    img_src = production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    return f"{url.scheme}://{url.netloc}", img_src


@pytest.mark.parametrize(
    "place",
    [
        {},
        {"AWS_S3_REGION_NAME": "eu-west-3"},
        {"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000/"},
    ],
    ids=["aws", "aws-region", "endpoint"],
)
def test_the_content_security_policy_lets_pages_show_images_from_the_bucket(
    production_uploads, place
):
    """Pre-signing is local (no request to S3): the URL each configuration makes."""
    origin, img_src = media_policy(production_uploads(AWS_STORAGE_BUCKET_NAME=BUCKET, **place))

    assert origin in img_src
    assert img_src[:2] == ["'self'", "data:"]
    if region := place.get("AWS_S3_REGION_NAME"):
        assert f"https://{BUCKET}.s3.{region}.amazonaws.com" in img_src


def test_without_a_bucket_images_come_only_from_the_site(production_uploads):
    assert media_policy(production_uploads()) == ("://", ["'self'", "data:"])


def test_the_database_password_is_injected_on_its_own():
    production = production_settings(
        DATABASE_URL="postgres://ublog@db.internal:5432/ublog",
        DATABASE_PASSWORD="from-the-secret-store",
    )
    database = production.DATABASES["default"]

    assert (database["USER"], database["PASSWORD"], database["HOST"]) == (
        "ublog",
        "from-the-secret-store",
        "db.internal",
    )


def fresh_root_urlpatterns():
    """The root URLconf's patterns as a fresh import builds them under the current settings,
    without replacing the running process's URLconf."""
    spec = importlib.util.spec_from_file_location("urls_under_test", urls.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.urlpatterns


@pytest.mark.parametrize("module, served", [(PRODUCTION, False), (LOCAL, True)])
def test_django_serves_uploads_only_where_nothing_else_does(settings, module, served):
    """Production leaves /media/ to S3 or the web server; the development settings serve it."""
    settings.SERVE_MEDIA = load_settings(module, SECRET_KEY=GOOD_KEY).SERVE_MEDIA

    views = [getattr(pattern, "callback", None) for pattern in fresh_root_urlpatterns()]

    assert (urls.media.__name__ in [getattr(view, "__name__", None) for view in views]) is served
