"""``manage.py bench``: a synthetic deployment at year-five scale and the measurements on it.

``generator`` builds the data with bulk inserts, ``measure`` times the hot paths through a real
gunicorn (and their SQL floors, the guardian peer, the share pipeline), ``report`` checks the
targets. See the README, "Performance".
"""
