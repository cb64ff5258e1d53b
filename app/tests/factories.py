"""factory_boy factories for every model, and upload helpers for image tests.

Tests call ``PostFactory.create(...)``, not ``PostFactory(...)``: the same row, but factory_boy
annotates ``create`` (it returns a ``Post``) and not the class call.
"""

from io import BytesIO
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from factory.declarations import Sequence, SubFactory, Trait
from PIL import Image

from domain.accounts.models import User
from domain.posts.models import Like, Post

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = Sequence(lambda n: f"user{n}@example.com")
    display_name = Sequence(lambda n: f"User {n}")
    is_active = True
    password = factory.django.Password(PASSWORD)

    class Params:
        inactive = Trait(is_active=False)
        staff = Trait(is_staff=True)


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    author = SubFactory(UserFactory)
    body = Sequence(lambda n: f"Post number {n}")

    class Params:
        anonymous = Trait(author=None)


class LikeFactory(factory.django.DjangoModelFactory[Like]):
    class Meta:
        model = Like

    user = SubFactory(UserFactory)
    post = SubFactory(PostFactory)

    @classmethod
    def _create(cls, model_class: type[Like], *args: Any, **kwargs: Any) -> Like:
        # Keep the post's counter true, as the like services do.
        like: Like = super()._create(model_class, *args, **kwargs)
        Post.objects.filter(pk=like.post_id).update(like_count=F("like_count") + 1)
        like.post.refresh_from_db(fields=["like_count"])
        return like


def image_bytes(
    image_format: str = "PNG", size: tuple[int, int] = (64, 48), color: str = "teal"
) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return buffer.getvalue()


def image_upload(
    name: str = "photo.png", image_format: str = "PNG", size: tuple[int, int] = (64, 48)
) -> SimpleUploadedFile:
    content_type = f"image/{image_format.lower()}"
    return SimpleUploadedFile(name, image_bytes(image_format, size), content_type=content_type)


def text_upload(
    name: str = "notes.png", content: bytes = b"this is not an image"
) -> SimpleUploadedFile:
    """A file that claims to be an image by its name and content type but is not one."""
    return SimpleUploadedFile(name, content, content_type="image/png")
