"""Fill an empty database with demo accounts and posts (``nox -s dev`` runs it)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from domain.accounts.models import User
from domain.posts.models import Post
from domain.posts.services import post_create, post_like

DEMO_PASSWORD = "ublog-demo-password"
DEMO_USERS = [("ada@example.com", "Ada"), ("linus@example.com", "Linus")]


class Command(BaseCommand):
    help = "Create demo users and posts when the database has no posts yet."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=30)

    @transaction.atomic
    def handle(self, *args, posts, **options):
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
            post = post_create(author=authors[number % 3], body=f"Demo post number {number}.")
            if number % 4 == 0:
                post_like(post=post, user=users[0])
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {posts} posts. Log in as {DEMO_USERS[0][0]} / {DEMO_PASSWORD}."
            )
        )
