"""The benchmark of Activity Hub: the project, its floor and its peer on the same data (``python -m bench``).

Nothing here is imported by the project; the project's own code is only driven over HTTP, through
``manage.py`` (migrate) and through its token helpers where a credential must be minted.
"""
