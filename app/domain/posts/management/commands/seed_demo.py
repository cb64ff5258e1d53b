"""Fill an empty database with demo accounts and posts (``nox -s dev`` runs it)."""

from __future__ import annotations

from argparse import ArgumentParser
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageColor, ImageDraw

from domain.accounts.models import User
from domain.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_USERS
from domain.posts.models import Post
from domain.posts.services import post_create, post_like

DEMO_IMAGE_SIZE = (640, 480)


def demo_image(number: int) -> ContentFile[bytes]:
    """A JPEG drawn for demo post ``number``: a diagonal gradient and a few discs, every colour
    and position derived from the number, so each run draws the same pictures (no downloads)."""
    hue = number * 47 % 360
    light = ImageColor.getrgb(f"hsl({hue}, 65%, 60%)")
    dark = ImageColor.getrgb(f"hsl({(hue + 50) % 360}, 60%, 30%)")
    width, height = DEMO_IMAGE_SIZE
    gradient = Image.linear_gradient("L").rotate(45, expand=True).resize(DEMO_IMAGE_SIZE)
    image = Image.composite(
        Image.new("RGB", DEMO_IMAGE_SIZE, dark), Image.new("RGB", DEMO_IMAGE_SIZE, light), gradient
    )
    draw = ImageDraw.Draw(image)
    for disc in range(3):
        radius = 40 + (number * 13 + disc * 29) % 60
        x = (number * 97 + disc * 211) % width
        y = (number * 61 + disc * 137) % height
        colour = ImageColor.getrgb(f"hsl({(hue + 120 + disc * 40) % 360}, 70%, 70%)")
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"demo-{number}.jpg")


class Command(BaseCommand):
    help = "Create demo users and posts (every fifth with a drawn image) when there are no posts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--posts", type=int, default=30)

    @transaction.atomic
    def handle(self, *args: Any, posts: int, **options: Any) -> None:
        if Post.objects.exists():
            self.stdout.write("Posts exist already; nothing to do.")
            return
        users = []
        for email, name in DEMO_USERS:
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, DEMO_PASSWORD, display_name=name, is_active=True
            )
            users.append(user)
        authors = [*users, None]
        for number in range(1, posts + 1):
            # Thumbnails follow once this transaction commits (in-process, or by the worker).
            image = demo_image(number) if number % 5 == 1 else None
            post = post_create(
                author=authors[number % 3], body=f"Demo post number {number}.", image=image
            )
            if number % 4 == 0:
                post_like(post=post, user=users[0])
        self.stdout.write(
            self.style.SUCCESS(f"Created {posts} posts. Log in as {DEMO_EMAIL} / {DEMO_PASSWORD}.")
        )
