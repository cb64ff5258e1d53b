"""factory_boy factories for every model, and upload helpers for image tests."""

from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from PIL import Image

from domain.accounts.models import User
from domain.posts.models import Like, Post

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n}")
    is_active = True
    password = factory.django.Password(PASSWORD)

    class Params:
        inactive = factory.Trait(is_active=False)
        staff = factory.Trait(is_staff=True)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Post number {n}")

    class Params:
        anonymous = factory.Trait(author=None)


class LikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Like

    user = factory.SubFactory(UserFactory)
    post = factory.SubFactory(PostFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Keep the post's counter true, as the like services do.
        like = super()._create(model_class, *args, **kwargs)
        Post.objects.filter(pk=like.post_id).update(like_count=F("like_count") + 1)
        like.post.refresh_from_db(fields=["like_count"])
        return like


def image_bytes(image_format="PNG", size=(64, 48), color="teal"):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return buffer.getvalue()


def image_upload(name="photo.png", image_format="PNG", size=(64, 48)):
    content_type = f"image/{image_format.lower()}"
    return SimpleUploadedFile(name, image_bytes(image_format, size), content_type=content_type)


def text_upload(name="notes.png", content=b"this is not an image"):
    """A file that claims to be an image by its name and content type but is not one."""
    return SimpleUploadedFile(name, content, content_type="image/png")
