"""Posts and likes. Invariants the database can hold, it holds (lengths, one like per user)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

BODY_MAX_LENGTH = 280
# What every interface shows of a post (each adds the viewer's own ``liked`` and ``can_edit``);
# the author is shown by id and display name, never by email address.
PUBLIC_FIELDS = (
    "id",
    "body",
    "image",
    "thumbnail",
    "author",
    "created_at",
    "updated_at",
    "like_count",
)


class Post(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="posts",
        help_text="Empty for anonymous posts.",
        # post_author_newest (author, -created_at, -id) serves every lookup by author.
        db_index=False,
    )
    body = models.TextField(validators=[MaxLengthValidator(BODY_MAX_LENGTH)])
    image = models.ImageField(upload_to="posts/%Y/%m/", blank=True)
    thumbnail = models.ImageField(upload_to="posts/thumbnails/%Y/%m/", blank=True, editable=False)
    # A counter kept by the like services, so lists never aggregate the likes table.
    like_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="post_newest_first"),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    GreaterThanOrEqual(Length(Trim("body")), 1),
                    LessThanOrEqual(Length("body"), BODY_MAX_LENGTH),
                ),
                name="post_body_length_1_280",
            ),
        ]

    # Set by the selectors (an annotation) and the services: whether the viewer likes the post.
    liked: bool

    def __str__(self) -> str:
        return self.body[:40]


class Like(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="likes",
        # The unique (user, post) constraint's index serves every lookup by user.
        db_index=False,
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="like_once_per_user_and_post"),
        ]

    def __str__(self) -> str:
        return f"{self.user} likes {self.post_id}"
