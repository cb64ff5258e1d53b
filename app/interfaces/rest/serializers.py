"""JSON in and out of the REST API, shared by the FBV and CBV flavours.

Input serializers only check the shape of a request (types, unknown fields, files); every rule
about what a post or an account may hold is the domain's, so the views pass the validated data
to the services and let them decide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any

from django.utils.datastructures import MultiValueDict
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from domain.accounts.models import DISPLAY_NAME_MAX_LENGTH, User
from domain.posts.models import BODY_MAX_LENGTH, PUBLIC_FIELDS, Post
from domain.posts.permissions import post_editor
from interfaces.authentication import TokenRefreshSerializer
from interfaces.fragments import post_fragment

# Only what the schema promises: text without NUL (PostgreSQL cannot store it), and for a post
# body at least one character that is not whitespace (the domain refuses blank posts). Python's
# str.strip() decides what whitespace is; regex engines disagree on \s (\x1c-\x1f...), so the
# schema lists the characters themselves.
NO_NUL = r"^[^\x00]*$"


def _character_class(codes: Iterable[int]) -> str:
    """``[9, 10, 11, 32]`` → ``\\u0009-\\u000b\\u0020`` (a regex class body)."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(
        f"\\u{first:04x}" + (f"-\\u{last:04x}" if last > first else "") for first, last in runs
    )


WHITESPACE = _character_class(code for code in range(0x3001) if chr(code).isspace())
NOT_BLANK = rf"^[^\x00]*[^\x00{WHITESPACE}][^\x00]*$"
# The browsable API puts its CSRF token in the form it posts; it is transport, not data.
FORM_TRANSPORT_FIELDS = {"csrfmiddlewaretoken"}


class TextField(serializers.CharField):
    """A string and nothing else: ``123`` is not coerced to ``"123"``. Whitespace is kept, so
    the domain sees what the client sent. ``schema`` holds extra OpenAPI keywords (see schema.py).
    """

    def __init__(self, *, schema: dict[str, Any] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        self.schema = {"pattern": NO_NUL, **(schema or {})}
        super().__init__(**kwargs)

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class FlagField(serializers.BooleanField):
    """A JSON boolean, or in a multipart form the text ``true`` or ``false``."""

    FORM_VALUES = {"true": True, "false": False}

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        # DRF reads an empty form value of an optional field as "not sent"; it was sent, wrong.
        if isinstance(dictionary, MultiValueDict) and self.field_name in dictionary:
            return dictionary[self.field_name]
        return super().get_value(dictionary)

    def to_internal_value(self, data: object) -> bool:
        if isinstance(self.parent.initial_data, MultiValueDict) and data in self.FORM_VALUES:
            return self.FORM_VALUES[data]
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know (a typo must not be silently ignored) and form fields
    sent more than once."""

    min_properties = 0

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = set(self.fields)
            if isinstance(data, MultiValueDict):
                known |= FORM_TRANSPORT_FIELDS
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
            if isinstance(data, MultiValueDict):
                repeated = sorted(name for name in data if len(data.getlist(name)) > 1)
                if repeated:  # DRF would quietly keep the last one
                    raise serializers.ValidationError(
                        {name: ["Send this field once."] for name in repeated}
                    )
        return super().to_internal_value(data)


# --- Posts --------------------------------------------------------------------------------------


class AuthorSerializer(serializers.ModelSerializer[User]):
    """The public face of an account: never its email address."""

    class Meta:
        model = User
        fields = ["id", "display_name"]
        read_only_fields = fields


# What a post shows that depends on who is looking (never cached, see to_representation).
VIEWER_FIELDS = ("liked", "can_edit")


class PostSerializer(serializers.ModelSerializer[Post]):
    image = serializers.ImageField(read_only=True, allow_null=True, help_text="Absolute URL.")
    thumbnail = serializers.ImageField(
        read_only=True, allow_null=True, help_text="Absolute URL, once the worker made it."
    )
    author = AuthorSerializer(read_only=True, allow_null=True, help_text="Null when anonymous.")
    liked = serializers.BooleanField(read_only=True, help_text="Whether the viewer likes it.")
    can_edit = serializers.SerializerMethodField(
        help_text="Whether the viewer may edit and delete it."
    )

    class Meta:
        model = Post
        fields = [*PUBLIC_FIELDS, *VIEWER_FIELDS]
        read_only_fields = fields

    def get_can_edit(self, post: Post) -> bool:
        return self._editor(post)

    @cached_property
    def _editor(self) -> Callable[[Post], bool]:
        """Whether the viewer may edit a post, the viewer read once per request (a list
        serializes all its posts with one child serializer)."""
        return post_editor(self.context["request"].user)

    def to_representation(self, post: Post) -> dict[str, Any]:
        """What every viewer sees of this version of the post comes from the per-process
        fragments cache (interfaces/fragments.py), keyed also by the site's address that the
        image URLs start with; the viewer's own fields are added to each copy."""

        def shared() -> dict[str, Any]:
            data = dict(super(PostSerializer, self).to_representation(post))
            for name in VIEWER_FIELDS:
                del data[name]
            return data

        data = post_fragment("rest-post", post, shared, origin=self._origin)
        return {**data, "liked": post.liked, "can_edit": self.get_can_edit(post)}

    @cached_property
    def _origin(self) -> str:
        """The site address the image URLs start with: once per request, not once per post (a
        list serializes all its posts with one child serializer)."""
        origin: str = self.context["request"].build_absolute_uri("/")
        return origin


def list_filters(query_params: Mapping[str, str]) -> dict[str, str | None]:
    """``search`` and ``author`` for ``post_list``. The domain parses the author id; an empty
    ``?author=`` it would ignore (a web form's blank field), but an API client sent it on purpose.
    """
    author = query_params.get("author")
    if author == "":
        raise serializers.ValidationError({"author": ["Enter a whole number."]})
    return {"search": query_params.get("search"), "author": author}


@extend_schema_serializer(many=False)
class PostPageSerializer(serializers.Serializer[Any]):
    """DRF's page-number shape (documentation only: PostPagination renders it)."""

    count = serializers.IntegerField(min_value=0)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PostSerializer(many=True)


def body_field(**kwargs: Any) -> TextField:
    return TextField(
        help_text=f"1 to {BODY_MAX_LENGTH} characters, not only whitespace.",
        schema={"minLength": 1, "maxLength": BODY_MAX_LENGTH, "pattern": NOT_BLANK},
        **kwargs,
    )


class PostBodySerializer(StrictSerializer):
    """A post as JSON: text only (send multipart/form-data to attach an image)."""

    body = body_field()


class PostCreateSerializer(PostBodySerializer):
    """A post as multipart/form-data, with an optional image."""

    image = serializers.FileField(
        required=False, help_text="JPEG, PNG, GIF or WebP; the size limit is set by the server."
    )


class PostUpdateBodySerializer(StrictSerializer):
    """An edit as JSON. PUT requires ``body``; PATCH sends what changes (one field at least)."""

    min_properties = 1

    body = body_field()
    remove_image = FlagField(required=False, help_text="Drop the current image.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:  # an empty PATCH is a client's mistake more often than a wish
            raise serializers.ValidationError("Send at least one field to change.")
        return attrs


class PostUpdateSerializer(PostUpdateBodySerializer):
    """An edit as multipart/form-data, which may also replace the image."""

    image = serializers.FileField(required=False, help_text="Replaces the current image.")


class LikeStateSerializer(serializers.Serializer[Post]):
    like_count = serializers.IntegerField(min_value=0)
    liked = serializers.BooleanField()


# --- Accounts and tokens ------------------------------------------------------------------------


class SignupSerializer(StrictSerializer):
    """A new account: the domain checks the address and the password's strength."""

    email = TextField(schema={"format": "email"})
    password = TextField(write_only=True, style={"input_type": "password"})
    display_name = TextField(
        required=False,
        help_text=f"Public name, at most {DISPLAY_NAME_MAX_LENGTH} characters; leave it out "
        "and one is made up.",
    )


class ActivationSerializer(StrictSerializer):
    """The two parts of the link /accounts/activate/<uid>/<token>/ from the email."""

    uid = TextField(help_text="The <uidb64> part of the activation link.")
    token = TextField(help_text="The <token> part of the activation link.")


class DetailSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class TokenObtainSerializer(TokenObtainPairSerializer):
    """``{"email", "password"}`` → ``{"access", "refresh"}``; inactive accounts get nothing."""

    def __init__(self, instance: Any = None, data: Any = empty, **kwargs: Any) -> None:
        super().__init__(instance, data, **kwargs)
        self.fields[self.username_field] = TextField(write_only=True)
        self.fields["password"] = TextField(write_only=True, style={"input_type": "password"})


class TokenPairSerializer(serializers.Serializer[Any]):
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenRefreshInputSerializer(TokenRefreshSerializer):
    refresh = TextField(write_only=True)


class AccessTokenSerializer(serializers.Serializer[Any]):
    access = serializers.CharField()
