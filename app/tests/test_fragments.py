"""The per-process cache of post fragments (interfaces/fragments.py): a bounded dictionary in
least-recently-used order, keyed by what a reader is shown of a post."""

from interfaces.fragments import FragmentCache, post_fragment, post_version


def test_the_least_recently_used_fragment_is_dropped_first():
    cache = FragmentCache(max_entries=2)
    cache.set("a", "A")
    cache.set("b", "B")
    assert cache.get("a") == "A"  # now b is the least recently used

    cache.set("c", "C")

    assert len(cache) == 2
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")


def test_setting_a_key_again_replaces_it_and_makes_it_recent():
    cache = FragmentCache(max_entries=2)
    cache.set("a", "A")
    cache.set("b", "B")
    cache.set("a", "A2")

    cache.set("c", "C")

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A2", None, "C")


def test_clear_empties_the_cache():
    cache = FragmentCache(max_entries=2)
    cache.set("a", "A")

    cache.clear()

    assert len(cache) == 0
    assert cache.get("a") is None


def test_a_version_is_rendered_once_per_variant(post):
    renders = []

    def render():
        renders.append(1)
        return f"card {len(renders)}"

    first = post_fragment("card", post, render, liked=False)
    again = post_fragment("card", post, render, liked=False)
    other = post_fragment("card", post, render, liked=True)
    other_kind = post_fragment("other", post, render, liked=False)

    assert (first, again, other, other_kind) == ("card 1", "card 1", "card 2", "card 3")


def test_a_version_names_what_is_shown(post):
    before = post_version(post, liked=False)
    post.like_count += 1

    assert post_version(post, liked=False) != before
    assert post_version(post, liked=False) == post_version(post, liked=False)
