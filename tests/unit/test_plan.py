from nichesite.plan import find_collisions, output_for, paginated_paths, url_for


def test_output_and_url_are_inverse():
    for path in ["/", "/x/", "/a/b/", "/x.html", "/404.html"]:
        assert url_for(output_for(path)) == path


def test_paginated_paths():
    assert paginated_paths("/tag/x/", 3) == ["/tag/x/", "/tag/x/page/2/", "/tag/x/page/3/"]


def test_collisions_are_case_insensitive_and_name_both_sources():
    problems = find_collisions([("a/index.html", "content/a.md", 2), ("A/index.html", "content/b.md", 5), ("c.html", "home page", 1)])
    assert len(problems) == 1
    assert (
        str(problems[0])
        == "content/b.md:5: error: content/a.md and content/b.md would both write /A/index.html; give one of them another slug"
    )
