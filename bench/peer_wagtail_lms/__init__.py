"""wagtail-lms 0.11.1 in a minimal Django project: the peer `make bench` measures Ilm against.

Benchmark-only: nothing in the platform imports it. `build.py` creates its database content
(a course with H5P lesson pages of the benchmark's text and an enrolled learner);
`wsgi.py` is what gunicorn serves, with the same worker and thread configuration as Ilm.
"""
