"""A cheap Argon2 for tests: same algorithm and hash format as production, with tiny cost parameters.

Django's defaults (100 MiB, 2 passes, 8 lanes) are right for production and make a test suite that logs in
thousands of times crawl; the parameters are stored in each hash, so production code verifies these too.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1
